#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the libFuzzer targets (clang + ASan + UBSan + LeakSanitizer) and runs
# them for a bounded time: the config parser over a seed corpus made of every
# config in the tree (SECONDS), then the IPVS netlink reply parsers, the VRRP
# packet decoder and the health checkers' reply decoders (a quarter of SECONDS
# each). Usage: scripts/fuzz.sh
# [SECONDS]   (default 120). Fails on any crash, leak, timeout or out-of-memory.
# scripts/fuzz.sh --build-only builds the targets and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
build_only=false
if [ "${1:-}" = --build-only ]; then build_only=true; set --; fi
secs=${1:-120}
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target fuzz_parser fuzz_ipvs_netlink fuzz_vrrp_packet fuzz_hc_replies
! "$build_only" || exit 0
work=build/fuzz/corpus
seeds=build/fuzz/seeds
rm -rf "$seeds"; mkdir -p "$work" "$seeds"
i=0
while IFS= read -r -d '' f; do
  cp "$f" "$seeds/seed-$i.conf"; i=$((i+1))
done < <(find tests/golden tests/compat etc -name '*.conf' -print0 2>/dev/null)
echo "fuzz: $i seed files, ${secs}s"
mkdir -p build/fuzz/artifacts

# run_fuzzer WHAT TARGET SECONDS MAX_LEN TAIL CORPUS...: runs one libFuzzer target under
# ASan/UBSan/LSan for SECONDS, shows the last TAIL lines, and stops the script on any finding.
run_fuzzer() {
  local what=$1 target=$2 time=$3 max_len=$4 tail_lines=$5; shift 5
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  ASAN_OPTIONS=detect_leaks=1 \
    "build/fuzz/tests/fuzz/$target" "$@" \
      -max_total_time="$time" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
      -print_final_stats=1 -artifact_prefix=build/fuzz/artifacts/ 2>&1 | tail -n "$tail_lines"
  local status=${PIPESTATUS[0]}
  if [ "$status" -ne 0 ]; then
    echo "fuzz: $what FAILED (status $status); reproducer in build/fuzz/artifacts/" >&2
    exit 1
  fi
  echo "fuzz: $what: no crash, hang or leak in ${time}s"
}

run_fuzzer parser fuzz_parser "$secs" 16384 25 "$work" "$seeds"

nl_secs=$(( secs / 4 > 10 ? secs / 4 : 10 ))
mkdir -p build/fuzz/corpus-ipvs-netlink
run_fuzzer "ipvs netlink replies" fuzz_ipvs_netlink "$nl_secs" 4096 12 \
  build/fuzz/corpus-ipvs-netlink

mkdir -p build/fuzz/corpus-vrrp-packet
# Seed: selector byte 0 (IPv4), then tests/unit/vrrp's v2 packet (its checksum has no pseudo-header).
printf '\x00\x21\x33\x64\x01\x01\x01\x8e\xae\xc0\xa8\xc8\x101111\x00\x00\x00\x00' \
  >build/fuzz/corpus-vrrp-packet/seed-v2
# Seed: selector 4 (a whole IPv4 packet), then a 20-byte header (TTL 255, protocol 112) and
# the same v2 advert.
printf '\x04\x45\x00\x00\x28\x00\x00\x00\x00\xff\x70\x00\x00\xc0\xa8\xc8\x01\xe0\x00\x00\x12\x21\x33\x64\x01\x01\x01\x8e\xae\xc0\xa8\xc8\x101111\x00\x00\x00\x00' \
  >build/fuzz/corpus-vrrp-packet/seed-v2-ipv4
run_fuzzer "vrrp packets" fuzz_vrrp_packet "$nl_secs" 4096 12 build/fuzz/corpus-vrrp-packet

mkdir -p build/fuzz/corpus-hc-replies
# Seeds: a DNS reply header for id 0x1234 (selector 0), an SMTP greeting (1), a
# UDP pattern and reply (2), an ICMP echo reply (3).
printf '\x00\x12\x34\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00' >build/fuzz/corpus-hc-replies/seed-dns
printf '\x01220-hello\r\n220 ready\r\n250 ok\r\n' >build/fuzz/corpus-hc-replies/seed-smtp
printf '\x02deadxxef\x00\xde\xad\xbe\xef' >build/fuzz/corpus-hc-replies/seed-udp
printf '\x03\x00\x00\xf2\xf1\x00\x07\x00\x09\x01\x02\x03\x04' >build/fuzz/corpus-hc-replies/seed-icmp
run_fuzzer "health checker replies" fuzz_hc_replies "$nl_secs" 4096 12 build/fuzz/corpus-hc-replies
