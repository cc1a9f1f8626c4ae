#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Failover bench: what a client sees when the master director goes away, for a vigild pair and
# a keepalived 2.2.7 pair in the same run. One qemu guest (tests/vm/vmrun.sh; the host kernel
# has no IPVS) holds the LVS-DR lab of tests/vm/labs/lib.sh: a client, two directors in one
# VRRP instance (advert_int 1, dir1 master) and two real servers. A steady client sends one
# request every INTERVAL ms (each a new TCP connection with a TIMEOUT ms limit) while the bench,
# ROUNDS times per pair, stops the master gracefully (SIGTERM), restarts it, kills it
# (SIGKILL, its links down: a crashed machine) and restarts it again. It prints, per event and
# pair, the requests that failed and the longest gap in service (between two answered
# requests). Figures are printed, never asserted. The guest is emulated (TCG): compare the
# columns, not the absolute numbers.
#
# Usage: bench/failover_bench.sh [--rounds N] [--interval MS] [--timeout MS]
#                                [--pairs "vigild-vigild keepalived-keepalived"]
#                                [--vigild PATH] [--out DIR]
#   defaults: 2 rounds, a request every 20 ms with a 500 ms limit, build/dev/daemon/vigild,
#   results in build/failover-bench/YYYYmmdd-HHMMSS
set -eu
cd "$(dirname "$0")/.."

die() { echo "failover_bench: $*" >&2; exit 1; }
usage() { sed -n '/^# Usage: /,/^#   results/{s/^# Usage: /usage: /;s/^# \{0,1\}//;p}' "$0" >&2; exit 2; }
rounds=2 interval=20 timeout=500 pairs="vigild-vigild keepalived-keepalived" vigild="" out=""
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || usage
  case $1 in
    --rounds) rounds=$2 ;;
    --interval) interval=$2 ;;
    --timeout) timeout=$2 ;;
    --pairs) pairs=$2 ;;
    --vigild) vigild=$2 ;;
    --out) out=$2 ;;
    *) usage ;;
  esac
  shift 2
done
for n in "$rounds" "$interval" "$timeout"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "not a positive number: $n"
done
[ "$interval" -lt 1000 ] || die "--interval must be under 1000 ms"
for p in $pairs; do
  [[ $p =~ ^(vigild|keepalived)-(vigild|keepalived)$ ]] || die "--pairs: not a pair: $p"
done
vigild=${vigild:-build/dev/daemon/vigild}
[ -x "$vigild" ] || die "no executable vigild at $vigild (cmake --build --preset dev --target vigild)"
vigild=$(realpath "$vigild")
for t in keepalived ipvsadm python3 qemu-system-x86_64; do
  command -v "$t" >/dev/null || die "$t is not installed (scripts/install-deps.sh)"
done
out=${out:-build/failover-bench/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out" || die "cannot create $out"
out=$(realpath "$out")
[ -z "$(ls -A "$out")" ] || die "$out is not empty"

npairs=$(wc -w <<<"$pairs")
# Boot and lab about 60 s, each pair about 60 s plus 90 s a round under TCG; only a bound.
tmo=$((300 + npairs * (120 + rounds * 240)))
echo "failover_bench: pairs $pairs; $rounds round(s); a request every $interval ms, limit" \
  "$timeout ms; guest -t $tmo; results in $out" >&2
rc=0
# shellcheck disable=SC2086
tests/vm/vmrun.sh -t "$tmo" -w "$out" -- \
  bench/failover_bench_guest.sh "$vigild" "$out" "$rounds" "$interval" "$timeout" $pairs \
  || rc=$?
[ "$rc" -eq 0 ] || die "the guest part failed (status $rc); partial results in $out"
echo
# shellcheck disable=SC2086
python3 bench/failover_report.py "$out" $pairs | tee "$out/report.md"
