#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# VRRP benchmark: vigild vs keepalived 2.2.7, side by side in the same run and on the same
# namespace topology as the integration tests (tests/integration/vrrp/lib.sh: nodes a and b on
# a bridge; 198.18.0.0/15 only). For each daemon (both nodes run it), at VRRPv2 advert_int 1
# and VRRPv3 advert_int 0.1 (multicast, one VRID; a: priority 200 MASTER, b: 100 BACKUP):
#   (a) failover after SIGKILL of a's daemon and its children: kill() until b's VIP appears;
#   (b) failover after SIGTERM of a's daemon (graceful, priority 0): same;
#   (c) start to MASTER: a alone, from execvp() of its daemon until its VIP appears;
# each the median (min-max) of --runs runs. The VIP's appearance is timed by an rtnetlink
# RTM_NEWADDR listener in that namespace (bench/vrrp_bench.py watch), not by polling `ip`.
#   (d) one daemon with 100 VRRP instances (VRIDs 1-100) for --cpu-seconds: CPU (utime+stime
#       from /proc/PID/stat) and memory (VmRSS, VmHWM), summed over the daemon and its
#       children (keepalived's VRRP child). Role master: the daemon alone, all 100 MASTER.
#       Role backup: all 100 BACKUP behind a keepalived peer that is MASTER of all 100.
# Figures are printed, never asserted. A daemon that is missing is reported "not available";
# the other column is still measured.
#
# Usage: bench/vrrp_bench.sh [--runs N] [--cpu-seconds S] [--cpu-roles "master backup"]
#                            [--cpu-version 2|3] [--cpu-advert ADVERT_INT] [--vigild PATH]
#                            [--out DIR]
#   defaults: 5 runs (0: only (d)), 60 s, both roles, VRRPv2 advert_int 1, vigild from build/release or
#   build/dev, results in build/vrrp-bench/YYYYmmdd-HHMMSS
set -u
cd "$(dirname "$0")/.." || exit 1
root=$(pwd)
usage() { sed -n 's/^# Usage: /usage: /p' "$0" >&2; exit 2; }
runs=5 cpu_seconds=60 cpu_roles="master backup" cpu_version=2 cpu_advert=1 vigild="" out=""
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || usage
  case $1 in
    --runs) runs=$2 ;;
    --cpu-seconds) cpu_seconds=$2 ;;
    --cpu-roles) cpu_roles=$2 ;;
    --cpu-version) cpu_version=$2 ;;
    --cpu-advert) cpu_advert=$2 ;;
    --vigild) vigild=$2 ;;
    --out) out=$2 ;;
    *) usage ;;
  esac
  shift 2
done
for n in "$runs" "$cpu_seconds"; do
  [[ $n =~ ^[0-9]+$ ]] || { echo "vrrp_bench: not a number: $n" >&2; exit 2; }
done
if [ -z "$vigild" ]; then
  for v in build/release/daemon/vigild build/dev/daemon/vigild; do
    [ -x "$v" ] && { vigild=$v; break; }
  done
fi
[ -n "$vigild" ] && vigild=$(realpath "$vigild")
out=${out:-build/vrrp-bench/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out" && out=$(realpath "$out") || exit 1

VIGILD=$vigild
. tests/integration/vrrp/lib.sh
helper=$root/bench/vrrp_bench.py
TSV=$out/results.tsv
: >"$TSV"
record() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$TSV"; }
say() { echo "vrrp_bench: $*" >&2; }
hz=$(python3 "$helper" hz)

# available IMPL: the binary exists and runs (vigild: until its VRRP engine lands it may
# exist and still fail to start; that shows as failed runs).
available() {
  local bin
  bin=$(bin_of "$1")
  [ -n "$bin" ] && [ -x "$bin" ]
}

# node_pids NODE: the daemon's children, then the daemon (the order to crash them in).
node_pids() { echo $(children "${PID[$1]}") "${PID[$1]}"; }

# reap NODE "PIDS": after the watcher signalled them, waits (bounded) until all have exited and
# are reaped (keepalived will not start while the VRRP child in its pid file still exists, even
# as a zombie that init has yet to reap).
reap() {
  local n=$1 p
  for p in $2; do
    poll "$WAIT" gone "$p" || { say "pid $p did not exit; SIGKILL"; kill -KILL "$p"; }
  done
  wait "${PID[$n]}" 2>/dev/null
  for p in $2; do poll "$WAIT" test ! -e "/proc/$p"; done
  PID[$n]=
  poll "$WAIT" ns_empty "$n"
}

# clear_vips NODE...: a fresh start for each phase: no VIP left over from a crashed daemon.
clear_vips() {
  local n v
  for n in "$@"; do
    for v in $(vips_on "$n"); do ip -n "$(ns_of "$n")" addr del "$v/32" dev eth0; done
  done
}

# run_failover IMPL VERSION: (a) and (b), --runs each, with one long-lived backup b.
run_failover() {
  local impl=$1 ver=$2 adv sig i res pids vip
  adv=$([ "$ver" = 2 ] && echo 1 || echo 0.1)
  vip=$(vip_of 51 4)
  gen_conf a "$WORK/a.conf" -v "$ver" -i "$adv" -r 51:200:MASTER
  gen_conf b "$WORK/b.conf" -v "$ver" -i "$adv" -r 51:100:BACKUP
  clear_vips a b
  start_node a
  start_node b
  local ok=1
  for sig in KILL TERM; do
    local metric
    metric=$([ "$sig" = KILL ] && echo "failover SIGKILL" || echo "failover SIGTERM")
    metric="$metric v$ver adv $adv _ms"
    [ "$ok" = 1 ] || { record "$impl" "$metric" failed; continue; }
    for i in $(seq 1 "$runs"); do
      poll "$WAIT" pair_settled "$vip"
      if ! vips_are "$vip=a" || ! alive a || ! alive b; then
        say "$impl v$ver: a is not the only holder of $vip ($(master_of "$vip")); giving up"
        record "$impl" "$metric" failed
        ok=0
        break
      fi
      if [ "$sig" = KILL ]; then pids=$(node_pids a); else pids=${PID[a]}; fi
      res=$(ip netns exec "$(ns_of b)" python3 "$helper" watch --vip "$vip" --timeout 60 \
        --kill "$([ "$sig" = KILL ] && echo 9 || echo 15)" $pids)
      say "$impl v$ver SIG$sig run $i: $res"
      record "$impl" "$metric" "$(result_value "$res")"
      reap a "$pids"
      [ "$sig" = TERM ] && [ "$i" = "$runs" ] || start_node a
    done
  done
  stop_all
}
# stop_all: stops whatever still runs; reaps a daemon that already exited.
stop_all() {
  local n
  for n in a b; do
    if alive "$n"; then
      stop_node "$n" TERM
    elif [ -n "${PID[$n]:-}" ]; then
      reap "$n" "${PID[$n]}"
    fi
  done
}
pair_settled() { vips_are "$1=a" || ! alive a || ! alive b; }
result_value() {
  case $1 in
    elapsed_ms=*) echo "${1#elapsed_ms=}" ;;
    *) echo failed ;;
  esac
}

# run_start IMPL VERSION: (c), a alone.
run_start() {
  local impl=$1 ver=$2 adv i res vip
  adv=$([ "$ver" = 2 ] && echo 1 || echo 0.1)
  vip=$(vip_of 51 4)
  gen_conf a "$WORK/a.conf" -v "$ver" -i "$adv" -r 51:200:MASTER
  for i in $(seq 1 "$runs"); do
    clear_vips a b
    local result=$WORK/start-$impl-v$ver-$i.result
    rm -f "$result"
    START_WRAP=(python3 "$helper" watch --vip "$vip" --timeout 60 --result "$result" --exec)
    start_node a
    START_WRAP=()
    # The watcher gives up by itself when the daemon exits.
    if poll 70 test -e "$result"; then res=$(cat "$result"); else res=none; fi
    say "$impl v$ver start run $i: $res"
    record "$impl" "start to MASTER v$ver adv $adv _ms" "$(result_value "$res")"
    stop_all
  done
}

# run_cpu IMPL ROLE: (d).
run_cpu() {
  local impl=$1 role=$2 measured=a v args_a=() args_b=() before after
  for v in $(seq 1 100); do
    if [ "$role" = master ]; then
      args_a+=(-r "$v:200:MASTER")
    else
      args_a+=(-r "$v:200:MASTER")
      args_b+=(-r "$v:100:BACKUP")
    fi
  done
  clear_vips a b
  gen_conf a "$WORK/a.conf" -v "$cpu_version" -i "$cpu_advert" "${args_a[@]}"
  if [ "$role" = backup ]; then
    measured=b
    gen_conf b "$WORK/b.conf" -v "$cpu_version" -i "$cpu_advert" "${args_b[@]}"
    IMPL_A=keepalived IMPL_B=$impl
    start_node a
    poll 120 all_vips_or_dead a || say "$impl cpu backup: the keepalived peer has not all 100 VIPs"
  else
    IMPL_A=$impl
  fi
  start_node "$measured"
  local label="100 instances $role v$cpu_version adv $cpu_advert, ${cpu_seconds} s"
  if [ "$role" = master ] && ! { poll 120 all_vips_or_dead a && alive a && all_vips a; }; then
    say "$impl cpu $role: not all 100 VIPs on a"
    cpu_failed "$impl" "$label"
  elif [ "$role" = backup ] && ! { sleep_adverts; alive b && all_vips a && [ -z "$(vips_on b)" ]; }; then
    say "$impl cpu $role: b is not running, took VIPs, or a lost some"
    cpu_failed "$impl" "$label"
  else
    before=$(python3 "$helper" proc "${PID[$measured]}")
    sleep "$cpu_seconds"   # the measurement window, not a wait for an outcome
    after=$(python3 "$helper" proc "${PID[$measured]}")
    local t0 t1
    t0=$(kv ticks "$before") t1=$(kv ticks "$after")
    record "$impl" "$label: CPU" "$(awk -v d=$((t1 - t0)) -v hz="$hz" -v s="$cpu_seconds" \
      'BEGIN { printf "%.2f s (%.2f%%)", d / hz, 100 * d / hz / s }')"
    record "$impl" "$label: VmRSS" "$(awk -v k="$(kv rss_kb "$after")" -v p="$(kv procs "$after")" \
      'BEGIN { printf "%.1f MiB (%d proc)", k / 1024, p }')"
    record "$impl" "$label: VmHWM" "$(awk -v k="$(kv hwm_kb "$after")" \
      'BEGIN { printf "%.1f MiB", k / 1024 }')"
    say "$impl cpu $role: $before -> $after"
  fi
  stop_all
  IMPL_A=$impl IMPL_B=$impl
}
cpu_failed() { local m; for m in CPU VmRSS VmHWM; do record "$1" "$2: $m" failed; done; }
kv() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }
all_vips() { [ "$(vips_on "$1" | wc -w)" = 100 ]; }
all_vips_or_dead() { ! alive "$1" || all_vips "$1"; }
# sleep_adverts: lets the backup see a few adverts before its state is judged.
sleep_adverts() { sleep "$(awk -v a="$cpu_advert" 'BEGIN { print 5 * a }')"; }

topology_up
for impl in vigild keepalived; do
  if ! available "$impl"; then
    say "$impl: not available ($(bin_of "$impl"))"
    record "$impl" note "not available ($(bin_of "$impl" | sed 's/^$/no binary found/'))"
    continue
  fi
  IMPL_A=$impl IMPL_B=$impl
  say "== $impl: $(bin_of "$impl")"
  if [ "$runs" -gt 0 ]; then
    for ver in 2 3; do
      run_failover "$impl" "$ver"
      run_start "$impl" "$ver"
    done
  fi
  for role in $cpu_roles; do run_cpu "$impl" "$role"; done
  for n in a b; do [ -f "$WORK/$n.log" ] && mv "$WORK/$n.log" "$out/$n-$impl.log"; done
done

{
  echo "VRRP bench $(date -Iseconds), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg);" \
    "keepalived $("$KEEPALIVED" -v 2>&1 | head -1 | awk '{print $2}'); runs $runs;" \
    "times: median (min–max)"
  echo
  python3 "$helper" report "$TSV"
} | tee "$out/report.md"
echo "vrrp_bench: raw results and logs in $out" >&2
failures=0
