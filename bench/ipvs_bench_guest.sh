#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest half of bench/ipvs_bench.sh: runs INSIDE a tests/vm/vmrun.sh guest (a kernel with IPVS).
# For vigild and keepalived in turn, on the same generated config (N services x M dests,
# 198.18.0.0/15 only), it measures:
#   - time from the daemon's start until the kernel has all N services and N*M dests
#     (bench/ipvs_poll.py: cheap netlink GET_DEST polls of sample services, confirmed by one
#     full /proc/net/ip_vs read);
#   - time from SIGHUP (after one real server's weight changed in the config) until the kernel
#     shows the new weight;
#   - VmHWM / VmRSS after programming (keepalived: summed over its processes);
#   - time from SIGTERM until the daemon has exited (it removes its services).
# Then one extra run per daemon under strace (--seccomp-bpf -ff -ttt -yy -v), whose netlink
# sends are counted by the host (bench/ipvs_bench_report.py) in three windows: start, reload,
# stop.
# Raw results go to OUT (a directory the host can read: pass it to vmrun.sh with -w).
#
# Usage (in a guest): ipvs_bench_guest.sh VIGILD OUT SERVICES DESTS RUNS
set -eu
[ $# -eq 5 ] || { echo "usage: $0 VIGILD OUT SERVICES DESTS RUNS" >&2; exit 2; }
VIGILD=$1 OUT=$2 N=$3 M=$4 RUNS=$5
HERE=$(cd "$(dirname "$0")" && pwd)
POLL="$HERE/ipvs_poll.py"
die() { echo "ipvs_bench_guest: $*" >&2; exit 1; }
[ "${VIGIL_VM_GUEST:-}" = 1 ] || die "run me inside a VM guest (tests/vm/vmrun.sh)"
[ -x "$VIGILD" ] || die "no vigild at $VIGILD"
command -v keepalived >/dev/null || die "keepalived is not installed"
command -v ipvsadm >/dev/null || die "ipvsadm is not installed"
command -v strace >/dev/null || die "strace is not installed"
[ -d "$OUT" ] && [ -w "$OUT" ] || die "$OUT is not a writable directory"
for n in "$N" "$M" "$RUNS"; do [[ $n =~ ^[1-9][0-9]*$ ]] || die "not a positive number: $n"; done
[ $((N * M)) -le 64000 ] || die "at most 64000 destinations (198.19.0.0/16)"

ip link set lo up || die "cannot bring lo up"  # IPVS rejects dests while lo is down
modprobe ip_vs || die "modprobe ip_vs failed"
ipvsadm -C

# Polls are bounded: every wait below has a deadline.
PROG_TMO=${IPVS_BENCH_TMO:-$((600 + N * M / 10))}   # seconds; keepalived sends one request per dest
STOP_TMO=$((600 + N * M / 10))
SETTLE_TMO=120

# ---- configuration ----------------------------------------------------------
vip() { echo "198.18.$(($1 / 250)).$(($1 % 250 + 1))"; }
rip() { echo "198.19.$(($1 / 250)).$(($1 % 250 + 1))"; }
gen() {
  local s r d
  echo "global_defs {"
  echo "  router_id ipvsbench"
  echo "}"
  for ((s = 0; s < N; s++)); do
    echo "virtual_server 198.18.$((s / 250)).$((s % 250 + 1)) 80 {"
    echo "  lvs_sched wrr"
    echo "  lvs_method NAT"
    echo "  protocol TCP"
    for ((r = 0; r < M; r++)); do
      d=$((s * M + r))
      echo "  real_server 198.19.$((d / 250)).$((d % 250 + 1)) 80 {"
      echo "    weight 1"
      echo "  }"
    done
    echo "}"
  done
}
gen >/tmp/a.conf
# The change: the first real server (198.19.0.1 in 198.18.0.1:80) gets weight 5.
sed '0,/weight 1$/s//weight 5/' /tmp/a.conf >/tmp/b.conf
[ "$(diff /tmp/a.conf /tmp/b.conf | grep -c '^[<>]')" = 2 ] || die "config change is not one line"
CONF=/tmp/bench.conf
sample="$(vip 0),$(vip $((N / 3))),$(vip $((2 * N / 3))),$(vip $((N - 1)))"
echo "config: $N services x $M dests, $(wc -l </tmp/a.conf) lines; sample services $sample"

# ---- helpers ----------------------------------------------------------------
mkfifo /tmp/sleep.fifo
exec 9<>/tmp/sleep.fifo
nap() { read -r -t "$1" -u 9 _ || true; }  # sleep without an exec

# wait_for SECONDS CMD...: bounded poll every 0.1 s.
wait_for() {
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    nap 0.1
  done
}
log_has() { grep -qE "$2" "$1"; }

# poller_start ARGS...: starts ipvs_poll.py as a coprocess and waits for its "ready".
poller_start() {
  coproc POLLER { exec python3 "$POLL" "$@"; }
  PIN=${POLLER[1]} POUT=${POLLER[0]} PPID_=$POLLER_PID
  local line=
  read -r -t 120 -u "$POUT" line || true
  [ "$line" = ready ] || die "poller did not start (got '$line')"
}
poller_go() { echo go >&"$PIN"; }
# poller_wait SECONDS: sets TDONE to the poller's completion time (CLOCK_REALTIME s) and
# POLL_STATS, or fails. (No $(...): the coprocess must be reaped by this shell.)
poller_wait() {
  local line=
  read -r -t "$1" -u "$POUT" line || true
  kill "$PPID_" 2>/dev/null || true
  wait "$PPID_" 2>/dev/null || true
  case $line in
    "done "*) set -- $line; TDONE=$2; POLL_STATS="$3 $4" ;;
    *) echo "ipvs_bench_guest: poller: '${line:-no answer}'" >&2; return 1 ;;
  esac
}

# start_daemon NAME LOG [WRAPPER...]: starts it in the foreground mode; sets DPID (the pid we
# signal: vigild, or keepalived's parent) and LPID (the launched pid: DPID, or strace).
start_daemon() {
  local name=$1 log=$2; shift 2
  case $name in
    vigild) "$@" "$VIGILD" -C -n -l -G --ipvs-resync=3600 -f "$CONF" >"$log" 2>&1 & ;;
    keepalived) "$@" keepalived -C -n -l -G -p /tmp/ka.pid -c /tmp/ka_checkers.pid -f "$CONF" \
                  >"$log" 2>&1 & ;;
  esac
  LPID=$!
  DPID=$LPID
}
# Log lines that say the daemon finished programming / reloading.
started_re() { [ "$1" = vigild ] && echo 'ipvs: start: ' || echo 'Startup complete'; }
reloaded_re() { [ "$1" = vigild ] && echo 'ipvs: reload: ' || echo 'Reload complete'; }

# mem_kb PID: "HWM RSS" in kB, summed over PID and its children.
mem_kb() {
  local p hwm=0 rss=0 k v _
  for p in "$1" $(pgrep -P "$1" || true); do
    while read -r k v _; do
      case $k in VmHWM:) hwm=$((hwm + v)) ;; VmRSS:) rss=$((rss + v)) ;; esac
    done <"/proc/$p/status"
  done
  echo "$hwm $rss"
}

gone() { ! kill -0 "$1" 2>/dev/null; }
# stop_daemon: SIGTERM to DPID, bounded wait for LPID; sets STOP_S to the seconds it took.
# (Not in $(...): only this shell can reap the daemon, and kill -0 succeeds on a zombie.)
stop_daemon() {
  local t0=$EPOCHREALTIME
  kill -TERM "$DPID"
  if ! wait_for "$STOP_TMO" gone "$LPID"; then
    kill -KILL "$DPID" "$LPID" 2>/dev/null || true
    die "pid $DPID did not exit within $STOP_TMO s of SIGTERM"
  fi
  local t1=$EPOCHREALTIME
  wait "$LPID" 2>/dev/null || true
  STOP_S=$(sub "$t1" "$t0")
}
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }

empty_table() {
  ipvsadm -C
  [ -z "$(ipvsadm -Sn)" ] || die "cannot empty the IPVS table"
}
vip0=$(vip 0) rip0=$(rip 0)

# one_run NAME RUN [strace]: one full cycle; appends a line to $OUT/runs.tsv.
one_run() {
  local name=$1 run=$2 mode=${3:-plain} log=/tmp/$1.$2.log
  local wrap=() t0 t1 prog reload mem stop pstats
  empty_table
  cp /tmp/a.conf "$CONF"
  if [ "$mode" = strace ]; then
    rm -rf "/tmp/st.$name"; mkdir "/tmp/st.$name"
    wrap=(strace --seccomp-bpf -ff -ttt -yy -v -s 0 -e trace=sendmsg,sendto,sendmmsg -o "/tmp/st.$name/$name")
  fi
  poller_start dests --services "$N" --dests "$M" --sample "$sample" --timeout "$PROG_TMO"
  t0=$EPOCHREALTIME
  start_daemon "$name" "$log" "${wrap[@]}"
  poller_go
  poller_wait "$((PROG_TMO + 30))" || { tail -5 "$log" >&2; die "$name: table not programmed"; }
  prog=$(sub "$TDONE" "$t0"); pstats=$POLL_STATS
  if [ "$mode" = strace ]; then
    wait_for 30 eval 'DPID=$(pgrep -P "$LPID")' || die "no daemon under strace"
  fi
  wait_for "$SETTLE_TMO" log_has "$log" "$(started_re "$name")" || die "$name: no start line in $log"
  mem=$(mem_kb "$DPID")

  poller_start weight --service "$vip0" --dest "$rip0" --weight 5 --timeout "$PROG_TMO"
  cp /tmp/b.conf "$CONF"
  t1=$EPOCHREALTIME
  kill -HUP "$DPID"
  poller_go
  poller_wait "$((PROG_TMO + 30))" || { tail -5 "$log" >&2; die "$name: new weight not seen"; }
  reload=$(sub "$TDONE" "$t1")
  wait_for "$SETTLE_TMO" log_has "$log" "$(reloaded_re "$name")" || die "$name: no reload line in $log"
  local thup=$t1 tterm=$EPOCHREALTIME
  stop_daemon; stop=$STOP_S
  [ -z "$(ipvsadm -Sn)" ] || echo "ipvs_bench_guest: note: $name left entries after SIGTERM" >&2
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$run" "$mode" "$prog" "$reload" \
    ${mem} "$stop" "$pstats" >>"$OUT/runs.tsv"
  printf '  %-10s run %-6s start %7ss  reload %6ss  HWM/RSS %s kB  stop %7ss  (%s)\n' \
    "$name" "$run" "$prog" "$reload" "$mem" "$stop" "$pstats"
  grep -E "$(started_re "$name")|$(reloaded_re "$name")|ipvs:" "$log" | grep -v Shutting | tail -3 \
    | sed 's/^/      | /' || true
  if [ "$mode" = strace ]; then
    printf '%s %s %s\n' "$t0" "$thup" "$tterm" >"$OUT/strace-$name.windows"
    rm -rf "$OUT/strace-$name"; cp -r "/tmp/st.$name" "$OUT/strace-$name"
  fi
  cp "$log" "$OUT/"
}

printf 'name\trun\tmode\tstart_s\treload_s\thwm_kb\trss_kb\tstop_s\tpoll\n' >"$OUT/runs.tsv"
{
  echo "kernel=$(uname -r)"
  echo "kernel_version=$(uname -v)"
  echo "cpus=$(nproc)"
  echo "vigild=$("$VIGILD" --version 2>&1 | head -1)"
  echo "keepalived=$(keepalived --version 2>&1 | head -1)"
  echo "services=$N"
  echo "dests=$M"
  echo "runs=$RUNS"
} >"$OUT/env"
for ((i = 1; i <= RUNS; i++)); do
  # Alternate who goes first, so drift in the host's load hits both alike.
  if ((i % 2)); then order="vigild keepalived"; else order="keepalived vigild"; fi
  for d in $order; do one_run "$d" "$i"; done
done
for d in vigild keepalived; do one_run "$d" strace strace; done
echo "ipvs_bench_guest: done"
