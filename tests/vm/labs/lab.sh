#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The LVS labs end to end (issue 6, item 5), in namespaces inside a guest (lib.sh draws them):
# a VRRP pair of directors, each running the whole daemon under test (VRRP, IPVS and health
# checks), in front of real servers rs1 and rs2 and a sorry server. Each lab is a
# configuration; the drills are checked from the client, with the directors' IPVS tables and
# addresses:
#   nat      LVS-NAT, rr, then wrr 3:1 by a reload; the real servers' default gateway is a VIP
#            on the inside, synced with the outside VIP (vrrp_sync_group); ip_forward=1
#   dr       LVS-DR, rr
#   dual     dual-master LVS-DR: VIP1 master on dir1, VIP2 master on dir2 (crossed priorities)
#   persist  persistence_timeout on VIP1:80, and an fwmark service on VIP2 that groups ports
#            80 and 443 (marked on the directors' ingress by tc), persistent too
# The drills (which lab runs which: at the end of this file; every wait is a bounded poll):
#   sched    answers alternate (rr), match the weights (wrr), stick (persistence);
#   rsfail   a real server's web servers killed (by PID): only the other one serves;
#            restarted: both again (with persistence: the client moves, and sticks);
#   sorry    both killed: the sorry server answers; restarted: the real servers again;
#   crash    the master director dies (links down, then SIGKILL to its daemon): the other
#            one holds the VIPs, the client's ARP entry follows its gratuitous ARP, the client
#            is served; the dead one "reboots" and takes its VIPs back (preemption);
#   stop     SIGTERM to a master: the other takes over; the stopped one has no VIP and no IPVS
#            table left; restarted, it takes its VIPs back;
#   reload   SIGHUP to both directors under steady client traffic: not one request fails,
#            no VRRP instance enters MASTER state;
#   broken   SIGHUP with a broken configuration (vigild directors only): IPVS tables and
#            addresses of both directors identical before and after, and vigild logs the
#            error as file:line:col.
# Usage (inside a guest): lab.sh VIGILD PAIR LAB...
#   PAIR  vigild-vigild, vigild-keepalived (dir1 vigild, dir2 keepalived 2.2.7), or
#         keepalived-keepalived (checks the lab itself)
# shellcheck source=tests/vm/labs/lib.sh
. "$(dirname "$0")/lib.sh" || exit 1
[ $# -ge 3 ] || die "usage: $0 VIGILD PAIR LAB..."
VIGILD=$(command -v "$1") || die "no vigild binary $1"
set_pair "$2"
shift 2
# How long a change may take to show: a checker needs about 3 s (delay_loop 1, retry 1,
# delay_before_retry 1) and VRRP about 3.6 s (advert_int 1) on real hardware; TCG is slower.
BOUND=${LAB_BOUND:-40}
[ -z "${LAB_TRACE:-}" ] || set -x

# ---- the labs' parameters, set by lab_begin

LAB=
VIPS=                   # the client-facing VIPs of the lab
declare -A MASTER=()    # VIP -> the director that is its master when both run

# serve_ok: normal service, as the lab's scheduler promises, on every VIP and port.
SEEN=
see_both() {
  SEEN+=" $(fetch "$1" "$2" || echo -)"
  [[ " $SEEN " == *" rs1 "* && " $SEEN " == *" rs2 "* ]]
}
both_serve() {
  SEEN=
  poll "$BOUND" see_both "$1" "$2" || die "the client was not served by both rs1 and rs2 on $1:$2; got:$SEEN"
  say "ok: $1:$2 serves rs1 and rs2 (answers:$SEEN)"
}
# sticks VIP PORTS...: 6 requests, across PORTS in turn, all served by one real server.
sticks() {
  local vip=$1 first got i p
  shift
  first=$(fetch "$vip" "$1") || die "no answer from $vip:$1"
  [[ $first == rs[12] ]] || die "$vip:$1 answered by '$first', not a real server"
  local seen="$1:$first"
  for ((i = 0; i < 6; i++)); do
    for p in "$@"; do
      got=$(fetch "$vip" "$p") || got="(no answer)"
      seen+=" $p:$got"
      [ "$got" = "$first" ] || die "persistence: $vip:$p answered by '$got' after '$first' (port:answer in order: $seen)"
    done
  done
  say "ok: persistence: every request to $vip (ports $*) served by $first"
}
serve_ok() {
  case $LAB in
    persist)
      sticks "$VIP1" 80
      sticks "$VIP2" 80 443
      ;;
    *)
      local v
      for v in $VIPS; do both_serve "$v" 80; done
      ;;
  esac
}
# only_all NAME COUNT: every VIP and port serves only NAME.
only_all() {
  local v p
  for v in $VIPS; do
    for p in $(ports_of "$v"); do only "$1" "$2" "$v" "$p"; done
  done
}
ports_of() { if [ "$LAB" = persist ] && [ "$1" = "$VIP2" ]; then echo 80 443; else echo 80; fi; }

# masters_ok: every VIP is held by its master and only by it.
masters_ok() {
  local v
  for v in $VIPS ${EXTRA_VIP:-}; do held_by "${MASTER[$v]}" "$v" || return 1; done
}
other() { if [ "$1" = dir1 ]; then echo dir2; else echo dir1; fi; }
vips_of() { # vips_of DIR: the VIPs (GW_VIP included) whose master is DIR
  local v out=""
  for v in $VIPS ${EXTRA_VIP:-}; do [ "${MASTER[$v]}" = "$1" ] && out+=" $v"; done
  echo "$out"
}

lab_begin() {
  LAB=$1
  EXTRA_VIP=
  MASTER=()
  case $LAB in
    nat)
      VIPS=$VIP1
      EXTRA_VIP=$GW_VIP
      MASTER=([$VIP1]=dir1 [$GW_VIP]=dir1)
      rs_net in
      ;;
    dr)
      VIPS=$VIP1
      MASTER=([$VIP1]=dir1)
      rs_net out
      ;;
    dual)
      VIPS="$VIP1 $VIP2"
      MASTER=([$VIP1]=dir1 [$VIP2]=dir2)
      rs_net out
      ;;
    persist)
      VIPS="$VIP1 $VIP2"
      MASTER=([$VIP1]=dir1 [$VIP2]=dir1)
      rs_net out
      ;;
    *) die "unknown lab $LAB (nat, dr, dual or persist)" ;;
  esac
  say "==== lab $LAB: dir1 ${IMPL[dir1]}, dir2 ${IMPL[dir2]}"
  write_confs "$LAB"
  local d
  if [ "$LAB" = persist ]; then
    # Mark VIP2's ports 80 and 443 with fwmark 1 as they enter each director: tc's
    # skbedit on the ingress hook runs before IPVS sees the packet, and needs no iptables.
    for d in $DIRECTORS; do
      nsx "$d" tc qdisc replace dev eth0 ingress || die "ingress qdisc on $d"
      for p in 80 443; do
        nsx "$d" tc filter add dev eth0 parent ffff: protocol ip prio 1 u32 \
          match ip dst "$VIP2/32" match ip dport "$p" 0xffff action skbedit mark 1 \
          || die "fwmark filter for port $p on $d"
      done
    done
  fi
  for d in $DIRECTORS; do dstart "$d"; done
  expect "the masters hold their VIPs" masters_ok
  expect "both directors' tables have rs1 and rs2" tables_have rs1 rs2
  expect "both directors set lvs_timeouts tcpfin $LAB_TCPFIN" tcpfin_set
  serve_ok
}
# tcpfin_set: each director's kernel has the lab's tcpfin timeout (its daemon's lvs_timeouts).
tcpfin_set() {
  local d
  for d in $DIRECTORS; do
    nsx "$d" ipvsadm -L --timeout | grep -qE "^Timeout \(tcp tcpfin udp\): [0-9]+ $LAB_TCPFIN [0-9]+\$" \
      || return 1
  done
}

# lab_end: SIGTERM to both; nothing is left behind (no VIP, no virtual server).
clean() { ! holds "$1" "$VIP1" && ! holds "$1" "$VIP2" && ! holds "$1" "$GW_VIP" \
  && ! nsx "$1" ipvsadm -Ln | grep -qE '^(TCP|UDP|FWM) '; }
lab_end() {
  local d
  for d in $DIRECTORS; do
    dstop "$d" TERM
    clean "$d" || die "$d: VIPs or virtual servers left after SIGTERM"
  done
  [ "$LAB" != persist ] || for d in $DIRECTORS; do nsx "$d" tc qdisc del dev eth0 ingress; done
  say "ok: lab $LAB done; both directors stopped clean"
}

# ---- drills

d_rsfail() { # d_rsfail NAME: NAME (rs1 or rs2) fails and returns
  local x=$1 y=rs1
  [ "$x" = rs1 ] && y=rs2
  [ "$x" = rs1 ] || [ "$x" = rs2 ] || die "rsfail: not a real server: '$x'"
  say "-- rsfail: $x fails and returns"
  web_stop "$x"
  expect "$x removed on both directors" tables_have "$y"
  only_all "$y" 3
  web_start "$x" 80 443
  expect "$x back on both directors" tables_have rs1 rs2
  serve_ok
}

d_sorry() {
  say "-- sorry: all real servers fail, then return"
  web_stop rs1
  web_stop rs2
  expect "only the sorry server on both directors" tables_have sorry
  only_all sorry 2
  web_start rs1 80 443
  web_start rs2 80 443
  expect "rs1 and rs2 back, the sorry server gone" tables_have rs1 rs2
  serve_ok
}

# served_all: every VIP and port answers (any real server).
served_all() {
  local v p got
  for v in $VIPS; do
    for p in $(ports_of "$v"); do
      got=$(fetch "$v" "$p") || return 1
      [[ $got == rs[12] ]] || return 1
    done
  done
}

d_crash() { # d_crash DIR: SIGKILL DIR's daemon; DIR masters some VIPs
  local d=$1 o v
  o=$(other "$d")
  say "-- crash: SIGKILL $d (${IMPL[$d]}), master of$(vips_of "$d")"
  local t=$SECONDS
  crash "$d"
  # shellcheck disable=SC2086
  expect "$o (${IMPL[$o]}) holds every VIP" holds_all "$o" $VIPS ${EXTRA_VIP:-}
  for v in $(vips_of "$d"); do
    [ "$v" = "$GW_VIP" ] || expect "the client's ARP entry for $v points to $o" client_arp_to "$o" "$v"
  done
  expect "the client is served through $o" served_all
  say "ok: service back $((SECONDS - t))s after the crash"
  revive "$d"
  expect "$d (${IMPL[$d]}) restarted takes its VIPs back" masters_ok
  for v in $(vips_of "$d"); do
    [ "$v" = "$GW_VIP" ] || expect "the client's ARP entry for $v points to $d again" client_arp_to "$d" "$v"
  done
  expect "both directors' tables have rs1 and rs2" tables_have rs1 rs2
  expect "the client is served" served_all
}

d_stop() { # d_stop DIR: SIGTERM DIR's daemon
  local d=$1 o t
  o=$(other "$d")
  say "-- stop: SIGTERM $d (${IMPL[$d]}), master of$(vips_of "$d")"
  t=$SECONDS
  dstop "$d" TERM
  clean "$d" || die "$d: VIPs or virtual servers left after SIGTERM"
  # shellcheck disable=SC2086
  expect "$o (${IMPL[$o]}) holds every VIP" held_by "$o" $VIPS ${EXTRA_VIP:-}
  expect "the client is served through $o" served_all
  say "ok: service through $o $((SECONDS - t))s after SIGTERM"
  dstart "$d"
  expect "$d (${IMPL[$d]}) restarted takes its VIPs back" masters_ok
  expect "both directors' tables have rs1 and rs2" tables_have rs1 rs2
  expect "the client is served" served_all
}

# reload_applied WANT: both directors' tables show scheduler WANT.
sched_is() { nsx dir1 ipvsadm -Ln | grep -qE "^TCP .* $1 *\$" && nsx dir2 ipvsadm -Ln | grep -qE "^TCP .* $1 *\$"; }
reloads() { grep -c 'Reloading' "$(log_of "$1")"; }
# masterings DIR: how many times DIR's daemon has logged a VRRP instance entering MASTER.
masterings() { grep -c 'Entering MASTER STATE' "$(log_of "$1")"; }
reloaded() { [ "$(reloads dir1)" -ge "$1" ] && [ "$(reloads dir2)" -ge "$2" ]; }

# switch_sched SCHED: SIGHUP both with SCHED and weights 3:1 (rs1:rs2).
switch_sched() {
  local r1 r2
  W1=3 W2=1 write_confs "$LAB" "$1"
  r1=$(reloads dir1) r2=$(reloads dir2)
  kill -HUP "${DPID[dir1]}" "${DPID[dir2]}" || die "cannot SIGHUP the directors"
  expect "both daemons reloaded" reloaded $((r1 + 1)) $((r2 + 1))
  expect "both tables use $1" sched_is "$1"
}

d_reload() { # SIGHUP both directors under traffic; the configuration gets one more comment
  local log=$LAB_DIR/reload-$LAB.log urls=() v n fails r1 r2 m1 m2
  say "-- reload: SIGHUP both directors under client traffic"
  for v in $VIPS; do urls+=("http://$v/"); done
  sed -i '1s/$/ (reloaded)/' "$(conf_of dir1)" "$(conf_of dir2)"
  # Each request may take up to 5 s: a guest under load is slow, and only a failure counts.
  TIMEOUT=5 loop_start "$log" "${urls[@]}"
  expect "the client loop runs" loop_more "$log" 10
  r1=$(reloads dir1) r2=$(reloads dir2) m1=$(masterings dir1) m2=$(masterings dir2)
  kill -HUP "${DPID[dir1]}" "${DPID[dir2]}" || die "cannot SIGHUP the directors"
  expect "both daemons reloaded" reloaded $((r1 + 1)) $((r2 + 1))
  n=$(loop_count "$log")
  expect "20 more requests after the reload" loop_more "$log" $((n + 20))
  loop_stop "$log"
  # No VRRP instance changed hands, not even for a moment.
  if [ "$(masterings dir1)" != "$m1" ] || [ "$(masterings dir2)" != "$m2" ]; then
    die "a VRRP instance entered MASTER state during the reload (times so far: dir1 $m1 -> $(masterings dir1), dir2 $m2 -> $(masterings dir2))"
  fi
  fails=$(grep -c ' fail ' "$log")
  [ "$fails" = 0 ] || die "$fails of $(loop_count "$log") requests failed across the reload: $(grep ' fail ' "$log" | head -5 | tr '\n' ';') (epoch $(date +%s.%N))"
  say "ok: $(loop_count "$log") requests across the reload, none failed"
  masters_ok || die "a VIP moved across the reload"
  expect "both directors' tables have rs1 and rs2" tables_have rs1 rs2
}

# snapshot: both directors' IPVS tables (without counters) and IPv4 addresses.
snapshot() {
  local d
  for d in $DIRECTORS; do
    echo "== $d"
    ipvs_of "$d"
    nsx "$d" ip -4 -o addr show | awk '{print $2, $4}'
  done
}
rejected() { [ "$(grep -c 'reload rejected' "$(log_of "$1")")" -ge "$2" ]; }

d_broken() { # SIGHUP with a broken configuration to every vigild director
  local d before after conf line n
  say "-- broken: SIGHUP with a broken configuration"
  before=$(snapshot)
  for d in $DIRECTORS; do
    [ "${IMPL[$d]}" = vigild ] || continue
    conf=$(conf_of "$d")
    cp "$conf" "$conf.good"
    # An address that is no address: an error, not a warning.
    sed -i "0,/real_server $(rip rs2) 80/s//real_server 198.18.0.300 80/" "$conf"
    line=$(grep -n 'real_server 198.18.0.300 80' "$conf" | cut -d: -f1)
    [ -n "$line" ] || die "could not break $conf"
    n=$(grep -c 'reload rejected' "$(log_of "$d")")
    kill -HUP "${DPID[$d]}" || die "cannot SIGHUP $d"
    expect "$d rejects the reload" rejected "$d" $((n + 1))
    grep -qE "$conf:$line:[0-9]+: " "$(log_of "$d")" \
      || die "$d: no diagnostic at $conf:$line:COL in the log"
    say "ok: $d logged $(grep -E "$conf:$line:[0-9]+: " "$(log_of "$d")" | tail -1 | sed 's/^.*\('"${conf//\//\\/}"'\)/\1/')"
    mv "$conf.good" "$conf"
  done
  # The client is still served as before, and nothing has changed.
  serve_ok
  after=$(snapshot)
  [ "$before" = "$after" ] || die "the broken reload changed something:
$(diff <(echo "$before") <(echo "$after"))"
  say "ok: IPVS tables and addresses of both directors unchanged"
}

# ---- the run

say "labs: PAIR dir1=${IMPL[dir1]} dir2=${IMPL[dir2]}, vigild $VIGILD, bound ${BOUND}s"
lab_setup
for n in $SERVERS; do web_start "$n" 80 443; done
say "lab up: rs1, rs2 and sorry serve HTTP on ports 80 and 443 (443 is plain HTTP too)"
rr_alternates() {
  local got
  got=$(answers 6)
  [[ $got == "rs1 rs2 rs1 rs2 rs1 rs2" || $got == "rs2 rs1 rs2 rs1 rs2 rs1" ]] \
    || die "rr: answers do not alternate: $got"
  say "ok: rr alternates: $got"
}
has_vigild() { [ "${IMPL[dir1]}" = vigild ] || [ "${IMPL[dir2]}" = vigild ]; }

# Each lab runs the drills that say something new about it, within the CI budget (the
# guests are slow). Over one test, each director's daemon is killed or stopped and takes
# over at least once; in the mixed pair, dir1 (vigild) is SIGKILLed in nat and SIGTERMed in
# dr, and in dual keepalived (dir2) is SIGTERMed, so vigild takes over VIP2.
for lab in "$@"; do
  lab_begin "$lab"
  case $lab in
    nat)
      rr_alternates
      d_reload
      # The switch to wrr by a reload, not under traffic: changing the scheduler of a virtual
      # server in place leaves it a moment without one in the kernel (ip_vs_edit_service
      # unbinds the old scheduler and waits for RCU before binding the new one), and a SYN
      # that comes then is refused, whatever the daemon.
      switch_sched wrr
      # wrr 3:1: any 8 requests in a row are 6 rs1 and 2 rs2.
      got=$(answers 8)
      if [ "$(grep -o rs1 <<<"$got" | wc -l)" != 6 ] || [ "$(grep -o rs2 <<<"$got" | wc -l)" != 2 ]; then
        die "wrr 3:1: 8 answers are not 6 rs1 and 2 rs2: $got"
      fi
      say "ok: wrr 3:1 over 8 requests: $got"
      d_rsfail rs1
      d_sorry
      d_crash dir1
      ! has_vigild || d_broken
      ;;
    dr)
      rr_alternates
      d_stop dir1
      ;;
    dual)
      d_sorry
      d_crash dir1
      d_stop dir2
      d_reload
      ! has_vigild || d_broken
      ;;
    persist)
      # Kill the server the client sticks to: it moves to the other one, and sticks there.
      d_rsfail "$(fetch "$VIP1" 80)"
      ;;
  esac
  lab_end
done
say "PASS: labs $* with dir1 ${IMPL[dir1]}, dir2 ${IMPL[dir2]}"
