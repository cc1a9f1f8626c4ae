#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest half of bench/hc_bench.sh: runs INSIDE a tests/vm/vmrun.sh guest (a kernel with IPVS).
# RS real servers on loopback addresses (198.19.0.0/16 is routed to lo as a whole), spread over
# VS virtual servers (198.18.0.0/16, port 80), all answered by one local server
# (bench/hc_listener.py on 0.0.0.0:80). For each checker type (TCP_CHECK, HTTP_GET, delay_loop 1)
# and each daemon in turn, on the same generated config:
#   - start it, and wait (bounded) until the kernel has all RS destinations;
#   - let the checks settle for SETTLE seconds (the first checks are spread over delay_loop);
#   - over WINDOW seconds: CPU time (utime+stime, plus reaped children's) of the daemon's whole
#     process tree -> share of one core; connections and HTTP answers the listener saw -> the
#     checks a second the daemon really made; the guest's busy share of all its vCPUs;
#   - the guest's TCP active opens (the daemon's connections, counted by the kernel), SYN
#     retransmits, listen drops and failed connects in the window (a
#     listener that falls behind shows there);
#   - at the end of the window: VmRSS and VmHWM summed over the tree, and how many
#     destinations are still in the table (fewer: checks failed, e.g. timed out);
#   - SIGTERM, bounded wait for its exit, empty table.
# A daemon that does not program every destination in time is reported as such, not waited on.
# One line per run goes to OUT/results.tsv; daemon logs are copied to OUT.
#
# Usage (in a guest): hc_bench_guest.sh VIGILD OUT RS VS WINDOW "CHECKS" "DAEMONS" "VIGILD_ARGS"
#   CHECKS: tcp and/or http; DAEMONS: vigild and/or keepalived (run in that order);
#   VIGILD_ARGS: extra vigild arguments, split on spaces (may be empty)
set -u
[ $# -eq 8 ] || { echo "usage: $0 VIGILD OUT RS VS WINDOW CHECKS DAEMONS VIGILD_ARGS" >&2; exit 2; }
VIGILD=$1 OUT=$2 RS=$3 VS=$4 WINDOW=$5 CHECKS=$6 DAEMONS=$7
read -r -a VARGS <<<"$8"
HERE=$(cd "$(dirname "$0")" && pwd)
die() { echo "hc_bench_guest: $*" >&2; exit 1; }
say() { echo "hc_bench_guest: $*"; }
[ "${VIGIL_VM_GUEST:-}" = 1 ] || die "run me inside a VM guest (tests/vm/vmrun.sh)"
if [ ! -d "$OUT" ] || [ ! -w "$OUT" ]; then die "$OUT is not a writable directory"; fi
for n in "$RS" "$VS" "$WINDOW"; do [[ $n =~ ^[1-9][0-9]*$ ]] || die "not a positive number: $n"; done
[ $((RS % VS)) -eq 0 ] || die "RS ($RS) must be a multiple of VS ($VS)"
[ "$RS" -le 64000 ] || die "at most 64000 real servers (198.19.0.0/16)"
PER=$((RS / VS))
CONV_TMO=${HC_BENCH_CONV_TMO:-300} # seconds to program every destination
STOP_TMO=300
SETTLE=${HC_BENCH_SETTLE:-10}
HZ=$(getconf CLK_TCK)
W=/run/hcb
mkdir -p "$W" || die "cannot create $W"

# ---- guest set-up: loopback real servers and their one listener ---------------------------
ip link set lo up || die "cannot bring lo up" # IPVS rejects dests while lo is down
modprobe ip_vs || die "modprobe ip_vs failed"
ipvsadm -C
# A prefix on lo makes every address in it local: 10,000 real servers, no 10,000 addresses.
ip addr add 198.19.255.254/16 dev lo || die "cannot route 198.19.0.0/16 to lo"
sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
ulimit -n 65536 || die "cannot raise the open-files limit"
python3 "$HERE/hc_listener.py" 0.0.0.0 80 "$W/listener.stats" >"$W/listener.out" 2>&1 &
LISTENER=$!

mkfifo "$W/sleep.fifo"
exec 9<>"$W/sleep.fifo"
nap() { read -r -t "$1" -u 9 _ || true; } # sleep without an exec
wait_for() {                              # wait_for SECONDS CMD...: bounded poll every 0.5 s
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    nap 0.5
  done
}
listener_ready() { [ -s "$W/listener.stats" ]; }
wait_for 60 listener_ready || die "the listener did not start: $(cat "$W/listener.out")"
rip() { echo "198.19.$(($1 / 250)).$(($1 % 250 + 1))"; }
for a in "$(rip 0)" "$(rip $((RS - 1)))"; do
  [ "$(curl -s --max-time 10 "http://$a/")" = ok ] || die "the listener does not answer on $a"
done

# ---- configuration ------------------------------------------------------------------------
gen() { # gen tcp|http
  local s r d
  printf 'global_defs {\n  router_id hcbench\n}\n'
  for ((s = 0; s < VS; s++)); do
    printf 'virtual_server 198.18.%d.%d 80 {\n  delay_loop 1\n  lvs_sched wrr\n' \
      $((s / 250)) $((s % 250 + 1))
    printf '  lvs_method NAT\n  protocol TCP\n'
    for ((r = 0; r < PER; r++)); do
      d=$((s * PER + r))
      printf '  real_server 198.19.%d.%d 80 {\n    weight 1\n' $((d / 250)) $((d % 250 + 1))
      if [ "$1" = tcp ]; then
        printf '    TCP_CHECK {\n      connect_timeout 5\n    }\n'
      else
        printf '    HTTP_GET {\n      url {\n        path /\n        status_code 200\n      }\n'
        printf '      connect_timeout 5\n    }\n'
      fi
      printf '  }\n'
    done
    printf '}\n'
  done
}

# ---- measurements -------------------------------------------------------------------------
tree() { # tree PID: PID and all its descendants
  local c
  echo "$1"
  for c in $(pgrep -P "$1"); do tree "$c"; done
}
# ticks PID...: utime+stime+cutime+cstime summed (fields 14-17 of /proc/PID/stat).
ticks() {
  local p line sum=0
  for p in "$@"; do
    read -r line 2>/dev/null <"/proc/$p/stat" || continue
    local -a f
    read -r -a f <<<"${line##*) }" # the fields after the command name, which may hold spaces
    sum=$((sum + f[11] + f[12] + f[13] + f[14]))
  done
  echo "$sum"
}
mem_kb() { # mem_kb PID...: "RSS HWM" in kB, summed
  local p k v _ rss=0 hwm=0
  for p in "$@"; do
    while read -r k v _; do
      case $k in VmRSS:) rss=$((rss + v)) ;; VmHWM:) hwm=$((hwm + v)) ;; esac
    done 2>/dev/null <"/proc/$p/status"
  done
  echo "$rss $hwm"
}
busy_idle() { # aggregate "busy idle" jiffies of the guest (all vCPUs)
  local _c u n s i w q sq st
  read -r _c u n s i w q sq st _ </proc/stat
  echo "$((u + n + s + q + sq + st)) $((i + w))"
}
dests() { local n; n=$(grep -c -- '->' /proc/net/ip_vs); echo $((n - 1)); } # minus the header
all_dests() { [ "$(dests)" -ge "$RS" ]; }
programmed_or_gone() { all_dests || gone; }
# tcp_counts: "active-opens SYN-retransmits listen-drops attempt-fails" so far (guest-wide).
# Active opens are the connections the daemon started (nothing else in the guest connects
# during the window): the kernel's count of its checks, independent of the listener. A listener
# that falls behind, or a port that cannot be had, shows in the other three.
tcp_counts() {
  nstat -az 2>/dev/null | awk '
    $1 == "TcpActiveOpens" { o = $2 } $1 == "TcpExtTCPSynRetrans" { s = $2 }
    $1 == "TcpExtListenDrops" { d = $2 } $1 == "TcpAttemptFails" { f = $2 }
    END { print o + 0, s + 0, d + 0, f + 0 }'
}
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? 100 * a / b : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b > 0 ? a / b : 0) }'; }

# Both log to stdout (-l, no syslog), into a file on the guest's tmpfs. (Debian's keepalived
# has no -g: it is built without --enable-log-file.)
start_daemon() { # start_daemon NAME CONF LOG: sets DPID
  case $1 in
    vigild) "$VIGILD" -n -l -G -C "${VARGS[@]}" -f "$2" -p "$W/v.pid" -c "$W/v_chk.pid" \
      >"$3" 2>&1 & ;;
    keepalived) keepalived -n -l -G -C -f "$2" -p "$W/k.pid" -c "$W/k_chk.pid" >"$3" 2>&1 & ;;
  esac
  DPID=$!
}
gone() { # the daemon has exited (a zombie not yet reaped counts as gone)
  local st
  read -r st 2>/dev/null <"/proc/$DPID/stat" || return 0
  st=${st##*) }
  [ "${st:0:1}" = Z ]
}
stop_daemon() {
  kill -TERM "$DPID" 2>/dev/null
  if ! wait_for "$STOP_TMO" gone; then
    say "note: $1 did not exit within $STOP_TMO s of SIGTERM; killing it"
    local -a all
    mapfile -t all < <(tree "$DPID")
    kill -KILL "${all[@]}" 2>/dev/null
  fi
  wait "$DPID" 2>/dev/null
  ipvsadm -C
}

# run NAME CHECK: one measured run; appends a line to results.tsv.
run() {
  local name=$1 check=$2 log=$W/$1-$2.log
  local t0 conv status=ok t1 t2 c1 c2 a1 a2 h1 h2 b1 b2 i1 i2 l1 l2 rss hwm end
  local ao1 ao2 sr1 sr2 ld1 ld2 af1 af2
  local -a pids
  ipvsadm -C
  t0=$EPOCHREALTIME
  start_daemon "$name" "$W/$check.conf" "$log"
  if ! wait_for "$CONV_TMO" programmed_or_gone || gone; then
    if gone; then status=exited; else status=unprogrammed; fi
    say "$name/$check: $status: $(dests) of $RS destinations after $CONV_TMO s"
    printf '%s\t%s\t%s\t-\t-\t-\t-\t-\t-\t-\t-\t-\t%s\t-\t-\t-\t-\t-\t-\n' "$check" "$name" \
      "$status" \
      "$(dests)" >>"$OUT/results.tsv"
    stop_daemon "$name"
    cp "$log" "$OUT/" 2>/dev/null
    return
  fi
  conv=$(awk -v a="$EPOCHREALTIME" -v b="$t0" 'BEGIN { printf "%.1f", a - b }')
  say "$name/$check: all $RS destinations after ${conv} s; settling ${SETTLE} s"
  nap "$SETTLE"
  mapfile -t pids < <(tree "$DPID")
  read -r a1 h1 <"$W/listener.stats"
  read -r b1 i1 < <(busy_idle)
  read -r ao1 sr1 ld1 af1 < <(tcp_counts)
  c1=$(ticks "${pids[@]}") l1=$(ticks "$LISTENER") t1=$EPOCHREALTIME
  nap "$WINDOW"
  mapfile -t pids < <(tree "$DPID") # a child born in the window counts in full
  c2=$(ticks "${pids[@]}") l2=$(ticks "$LISTENER") t2=$EPOCHREALTIME
  read -r b2 i2 < <(busy_idle)
  read -r ao2 sr2 ld2 af2 < <(tcp_counts)
  read -r a2 h2 <"$W/listener.stats"
  read -r rss hwm < <(mem_kb "${pids[@]}")
  end=$(dests)
  gone && status=exited
  local secs cpu cpus lcpu busy cps hps nproc
  secs=$(awk -v a="$t2" -v b="$t1" 'BEGIN { printf "%.3f", a - b }')
  cpu=$(pct "$((c2 - c1))" "$(awk -v s="$secs" -v hz="$HZ" 'BEGIN { print s * hz }')")
  lcpu=$(pct "$((l2 - l1))" "$(awk -v s="$secs" -v hz="$HZ" 'BEGIN { print s * hz }')")
  busy=$(pct "$((b2 - b1))" "$((b2 - b1 + i2 - i1))")
  cps=$(ratio "$((a2 - a1))" "$secs") hps=$(ratio "$((h2 - h1))" "$secs")
  cpus=$(awk -v t="$((c2 - c1))" -v hz="$HZ" 'BEGIN { printf "%.2f", t / hz }')
  nproc=${#pids[@]}
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
    "$check" "$name" "$status" "$conv" "$secs" "$cpus" "$cpu" "$((a2 - a1))" "$((h2 - h1))" \
    "$rss" "$hwm" "$nproc" "$end" "$busy" "$lcpu" "$((sr2 - sr1))" "$((ld2 - ld1))" \
    "$((af2 - af1))" "$((ao2 - ao1))" >>"$OUT/results.tsv"
  say "$name/$check: CPU ${cpu} % of a core (${cpus} s in ${secs} s); ${cps} conn/s, ${hps} HTTP/s seen;" \
    "RSS/HWM $rss/$hwm kB ($nproc process(es)); $end/$RS dests at the end; guest busy ${busy} %;" \
    "connections opened $((ao2 - ao1)), SYN retransmits $((sr2 - sr1)), listen drops" \
    "$((ld2 - ld1)), failed connects $((af2 - af1))"
  stop_daemon "$name"
  cp "$log" "$OUT/" 2>/dev/null
}

cols=(check daemon status converge_s window_s cpu_s cpu_pct conns http_answers rss_kb hwm_kb procs
  dests_end guest_busy_pct listener_cpu_pct syn_retrans listen_drops connect_fails opens)
(IFS=$'\t'; echo "${cols[*]}") >"$OUT/results.tsv"
{
  echo "kernel=$(uname -r)"
  echo "cpus=$(nproc)"
  echo "vigild=$("$VIGILD" --version 2>&1 | head -1)"
  echo "vigild_args=${VARGS[*]}"
  echo "keepalived=$(keepalived --version 2>&1 | head -1)"
  echo "rs=$RS"
  echo "vs=$VS"
  echo "window=$WINDOW"
  echo "settle=$SETTLE"
} >"$OUT/env"
for check in $CHECKS; do
  gen "$check" >"$W/$check.conf"
  say "$check: $VS virtual servers x $PER real servers, $(wc -l <"$W/$check.conf") lines"
  for d in $DAEMONS; do run "$d" "$check"; done
done
kill "$LISTENER"
say "done"
