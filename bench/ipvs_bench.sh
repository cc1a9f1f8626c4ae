#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# IPVS programming benchmark: vigild vs keepalived 2.2.7, side by side in the same qemu guest
# (tests/vm/vmrun.sh; the host kernel has no IPVS) on the same generated config of N
# virtual_servers x M real_servers (198.18.0.0/15 only, no health checks).
# Measures, per daemon (details in bench/ipvs_bench_guest.sh):
#   - time from process start until the kernel has all N services and N*M dests;
#   - netlink send syscalls and messages for that (a separate run under strace);
#   - time from SIGHUP after one real server's weight changed until the kernel shows it, and
#     the netlink sends of that reload;
#   - VmHWM / VmRSS after programming (keepalived: summed over its two processes);
#   - time from SIGTERM until the daemon exited (both remove their services).
# Figures are printed, never asserted. The guest is emulated (TCG): compare the two columns,
# not the absolute numbers.
#
# Usage: bench/ipvs_bench.sh [--services N] [--dests M] [--runs R] [--vigild PATH] [--out DIR]
#   defaults: 1000 x 10, 3 runs, build/release/daemon/vigild (built if missing),
#   raw results in build/ipvs-bench/NxM-YYYYmmdd-HHMMSS
set -eu
cd "$(dirname "$0")/.."

die() { echo "ipvs_bench: $*" >&2; exit 1; }
usage() { sed -n 's/^# Usage: /usage: /p' "$0" >&2; exit 2; }
services=1000 dests=10 runs=3 vigild="" out=""
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || usage
  case $1 in
    --services) services=$2 ;;
    --dests) dests=$2 ;;
    --runs) runs=$2 ;;
    --vigild) vigild=$2 ;;
    --out) out=$2 ;;
    *) usage ;;
  esac
  shift 2
done
for n in "$services" "$dests" "$runs"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "not a positive number: $n"
done
[ $((services * dests)) -le 64000 ] || die "at most 64000 destinations (198.19.0.0/16)"
[ "$services" -le 64000 ] || die "at most 64000 services (198.18.0.0/16)"

if [ -z "$vigild" ]; then
  vigild=build/release/daemon/vigild
  if [ ! -x "$vigild" ]; then
    echo "ipvs_bench: building the release vigild" >&2
    cmake --preset release >/dev/null || die "cmake --preset release failed"
    cmake --build --preset release --target vigild || die "build failed"
  fi
fi
[ -x "$vigild" ] || die "no executable vigild at $vigild"
vigild=$(realpath "$vigild")
for t in keepalived ipvsadm strace python3 qemu-system-x86_64; do
  command -v "$t" >/dev/null || die "$t is not installed (scripts/install-deps.sh)"
done

out=${out:-build/ipvs-bench/${services}x${dests}-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out" || die "cannot create $out"
out=$(realpath "$out")
[ -z "$(ls -A "$out")" ] || die "$out is not empty"

# Memory: two daemons' tables, strace logs (~150 bytes a message) and the guest's tmpfs.
mem=$((1024 + services * dests / 20))
# Time: boot, and per run both daemons (keepalived: one request per dest, tens of ms each
# under TCG, at start and again at stop); generous, it is only a bound.
tmo=$((900 + (runs + 1) * services * dests / 4))
echo "ipvs_bench: $services x $dests, $runs run(s); guest -m $mem -t $tmo; results in $out" >&2
rc=0
tests/vm/vmrun.sh -m "$mem" -t "$tmo" -w "$out" -- \
  bench/ipvs_bench_guest.sh "$vigild" "$out" "$services" "$dests" "$runs" || rc=$?
[ "$rc" -eq 0 ] || die "the guest part failed (status $rc); partial results in $out"
echo
python3 bench/ipvs_bench_report.py "$out" | tee "$out/report.md"
