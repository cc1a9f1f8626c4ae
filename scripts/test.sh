#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Sets up a fresh Debian 12 machine (as root) and runs the whole test suite:
# formatting and core purity, every test of the dev build (unit, golden,
# compat, integration in network namespaces, VM tests in qemu guests), the
# unit and golden tests again under ASan/UBSan, and bounded libFuzzer runs.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh

echo "== format check"
git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run -Werror

echo "== core purity (no I/O headers or clocks in the pure cores)"
# parser/ and the ipvs core (everything in ipvs/ but the netlink backend).
if grep -rnE '#include <(boost/asio|netlink/|curl/|openssl/)|chrono::[a-z_]+_clock::now' \
    parser/ ipvs/include ipvs/src/*.cpp vrrp/include/vigil/vrrp/*.hpp vrrp/src/*.cpp \
    healthcheck/include/vigil/hc/*.hpp healthcheck/src/*.cpp; then
  echo "parser/ and the ipvs, vrrp and healthcheck cores must stay I/O-free" >&2; exit 1
fi

echo "== test names (ctest's discovery splits a Catch2 name at ';')"
if grep -rnE 'TEST_CASE\("[^"]*;' tests/; then
  echo "a TEST_CASE name contains ';'" >&2; exit 1
fi

jobs=$(nproc)
echo "== dev build"
cmake --preset dev >/dev/null
cmake --build --preset dev -j "$jobs"

# The sanitizer builds (asan, and clang's for the fuzzers) use the CPU the dev tests leave
# idle: the VRRP integration tests run one at a time and mostly wait on VRRP's timers. They
# build meanwhile at the lowest priority, so the tests and their daemons always come first.
# (In its own session, so a failed run can stop the whole build.)
san_log=build/sanitizer-builds.log
mkdir -p build
setsid -w nice -n 19 bash -c "cmake --preset asan >/dev/null && cmake --build --preset asan -j $jobs \
  && ./scripts/fuzz.sh --build-only" >"$san_log" 2>&1 &
san_pid=$!
trap 'kill -- -"$san_pid" 2>/dev/null || true' EXIT

echo "== dev tests (the asan and fuzz builds run meanwhile, niced: $san_log)"
ctest --preset dev -j "$jobs"

echo "== asan build + unit/golden tests"
if ! wait "$san_pid"; then
  tail -n 60 "$san_log"
  echo "the asan or fuzz build failed (whole log: $san_log)" >&2
  exit 1
fi
trap - EXIT
ctest --preset asan -j "$jobs" -L 'unit|golden'

echo "== fuzz: parser, bounded"
./scripts/fuzz.sh "${VIGIL_FUZZ_SECONDS:-120}"
