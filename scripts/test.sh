#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Sets up a fresh Debian 12 machine (as root) and runs the whole test suite:
# formatting, the dev build's unit+golden+compat tests, the same under
# ASan/UBSan, and a bounded libFuzzer run of the parser.
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
echo "== dev build + tests"
cmake --preset dev >/dev/null
cmake --build --preset dev -j "$jobs"
ctest --preset dev -j "$jobs"

echo "== asan build + unit/golden tests"
cmake --preset asan >/dev/null
cmake --build --preset asan -j "$jobs"
ctest --preset asan -j "$jobs" -L 'unit|golden'

echo "== fuzz: parser, bounded"
./scripts/fuzz.sh "${VIGIL_FUZZ_SECONDS:-120}"
