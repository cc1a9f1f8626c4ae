#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Health-check benchmark: vigild vs keepalived 2.2.7, one after the other in the same qemu guest
# (tests/vm/vmrun.sh; the host kernel has no IPVS) on the same generated config: RS real servers
# on loopback addresses (198.19.0.0/16 routed to the guest's lo), spread over VS virtual servers,
# every one checked each second (delay_loop 1), first with TCP_CHECK, then with HTTP_GET. One
# local server (bench/hc_listener.py) answers them all. Per checker type and daemon it reports
# the CPU share of one core over a window, the RSS, and the checks a second the listener really
# saw (details in bench/hc_bench_guest.sh). Traffic stays on the guest's loopback.
# Figures are printed, never asserted. The guest is emulated (TCG): compare the two columns,
# not the absolute numbers.
#
# Usage: bench/hc_bench.sh [--rs N] [--vs V] [--window S] [--checks "tcp http"]
#                          [--daemons "vigild keepalived"] [--cpus C] [--vigild PATH]
#                          [--vigild-args "ARGS"] [--out DIR]
#   defaults: 10000 real servers over 100 virtual servers, a 60 s window, 2 vCPUs (the daemon
#   and the listener each get one), build/release/daemon/vigild (built if missing), no extra
#   vigild arguments (e.g. "--ipvs-resync=3600" leaves out its IPVS drift check), results in
#   build/hc-bench/RS-YYYYmmdd-HHMMSS
set -eu
cd "$(dirname "$0")/.."

die() { echo "hc_bench: $*" >&2; exit 1; }
usage() { sed -n '/^# Usage: /,/^#   build/{s/^# Usage: /usage: /;s/^# \{0,1\}//;p}' "$0" >&2; exit 2; }
rs=10000 vs=100 window=60 checks="tcp http" daemons="vigild keepalived" cpus=2 vigild="" out=""
vargs=""
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || usage
  case $1 in
    --rs) rs=$2 ;;
    --vs) vs=$2 ;;
    --window) window=$2 ;;
    --checks) checks=$2 ;;
    --daemons) daemons=$2 ;;
    --cpus) cpus=$2 ;;
    --vigild) vigild=$2 ;;
    --vigild-args) vargs=$2 ;;
    --out) out=$2 ;;
    *) usage ;;
  esac
  shift 2
done
for n in "$rs" "$vs" "$window" "$cpus"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "not a positive number: $n"
done
[ $((rs % vs)) -eq 0 ] || die "--rs ($rs) must be a multiple of --vs ($vs)"
[ "$rs" -le 64000 ] || die "at most 64000 real servers (198.19.0.0/16)"
for c in $checks; do [[ $c =~ ^(tcp|http)$ ]] || die "--checks: tcp and/or http, not $c"; done
for d in $daemons; do [[ $d =~ ^(vigild|keepalived)$ ]] || die "--daemons: not $d"; done

if [ -z "$vigild" ]; then
  vigild=build/release/daemon/vigild
  if [ ! -x "$vigild" ]; then
    echo "hc_bench: building the release vigild" >&2
    cmake --preset release >/dev/null || die "cmake --preset release failed"
    cmake --build --preset release --target vigild || die "build failed"
  fi
fi
[ -x "$vigild" ] || die "no executable vigild at $vigild"
vigild=$(realpath "$vigild")
for t in keepalived ipvsadm curl python3 qemu-system-x86_64; do
  command -v "$t" >/dev/null || die "$t is not installed (scripts/install-deps.sh)"
done

out=${out:-build/hc-bench/${rs}-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out" || die "cannot create $out"
out=$(realpath "$out")
[ -z "$(ls -A "$out")" ] || die "$out is not empty"

nruns=$(($(wc -w <<<"$checks") * $(wc -w <<<"$daemons")))
# Time: boot, and per run at most 300 s to program, the settle time, the window and 300 s to
# stop; only a bound.
tmo=$((600 + nruns * (window + 650)))
echo "hc_bench: $rs real servers over $vs virtual servers; checks: $checks; daemons: $daemons;" \
  "window ${window} s; guest -m 2048 -c $cpus -t $tmo; results in $out" >&2
rc=0
tests/vm/vmrun.sh -m 2048 -c "$cpus" -t "$tmo" -w "$out" -- \
  bench/hc_bench_guest.sh "$vigild" "$out" "$rs" "$vs" "$window" "$checks" "$daemons" "$vargs" \
  || rc=$?
[ "$rc" -eq 0 ] || die "the guest part failed (status $rc); partial results in $out"
echo
python3 bench/hc_bench_report.py "$out" | tee "$out/report.md"
