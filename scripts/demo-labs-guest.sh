#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The guest half of run-default.sh: the dual-master LVS-DR lab on the bundled
# configuration, step by step. Inside a tests/vm guest (a kernel with IPVS),
# tests/vm/labs/lib.sh builds the lab on the configuration's own addresses:
# a client, two directors (lb1 198.18.0.1, lb2 198.18.0.2), real servers
# 198.18.0.11 and .12 and a sorry server 198.18.0.14, each in its own network
# namespace. vigild runs on both directors with the same file (`-i lb1`,
# `-i lb2` pick its @lb2 / @^lb2 lines). Then, as seen from the client:
#   1. lb1 is elected for 198.18.0.100 and lb2 for 198.18.0.101;
#   2. both VIPs answer, round robin over both real servers;
#   3. a real server fails, is taken out, returns;
#   4. with every real server down, the sorry server answers;
#   5. `vigild reload --dry-run`, then a SIGHUP under steady traffic: nothing fails;
#   6. lb1 crashes (links down, vigild SIGKILLed): lb2 serves both VIPs;
#      lb1 comes back and takes its VIP back;
#   7. lb2 stops gracefully (SIGTERM): lb1 takes its VIP over at once;
#   8. what `vigild status` and the metrics endpoint show.
# Usage: demo-labs-guest.sh VIGILD CONF
[ $# -eq 2 ] || { echo "usage: $0 VIGILD CONF" >&2; exit 2; }
VIGILD=$1
conf=$2
# shellcheck source=tests/vm/labs/lib.sh
. "$(dirname "$0")/../tests/vm/labs/lib.sh" || exit 1
BOUND=60
step() { echo; say "== $*"; }
show() { # show: who holds which VIP, and each director's IPVS table
  say "   198.18.0.100 on: $(holder "$VIP1")   198.18.0.101 on: $(holder "$VIP2")"
}
status() { nsx "$1" "$VIGILD" status --socket "$LAB_DIR/$1.sock"; }
# ask COUNT VIP: COUNT requests to VIP; prints who answered.
ask() { say "   $2 answered by: $(answers "$1" "$2")"; }

set_pair vigild-vigild
step "building the lab: client, lb1, lb2, rs1, rs2 and sorry in their own namespaces"
lab_setup
for n in rs1 rs2 sorry; do
  echo ok >"$LAB_DIR/www-$n/healthz" || die "cannot write $n's /healthz"
  web_start "$n"
done
for d in dir1 dir2; do cp "$conf" "$(conf_of "$d")" || die "cannot copy $conf"; done
DARGS[dir1]="-i lb1 --control-socket=$LAB_DIR/dir1.sock --metrics-listen=127.0.0.1:9650"
DARGS[dir2]="-i lb2 --control-socket=$LAB_DIR/dir2.sock"
say "   real servers rs1, rs2 and the sorry server answer with their names (VIPs on lo, arp_ignore)"

step "1. vigild starts on both directors (vigild -i lb1 / -i lb2 -f $conf)"
dstart dir1
dstart dir2
elected() { held_by dir1 "$VIP1" && held_by dir2 "$VIP2"; }
expect "lb1 holds 198.18.0.100 and lb2 holds 198.18.0.101" elected
expect "both tables have rs1 and rs2 behind both VIPs" tables_have rs1 rs2
show
say "   lb1's IPVS table:"
nsx dir1 ipvsadm -Ln | sed 's/^/      /'

step "2. the client asks both VIPs (lb_algo rr)"
ask 4 "$VIP1"
ask 4 "$VIP2"

step "3. rs1's web server stops: HTTP_GET takes it out (delay_loop 2, retry 2)"
web_stop rs1
expect "rs1 out of both tables" tables_have rs2
ask 3 "$VIP1"
web_start rs1
expect "rs1 back in both tables" tables_have rs1 rs2
ask 4 "$VIP1"

step "4. every real server down: the sorry server answers"
web_stop rs1
web_stop rs2
expect "only the sorry server in both tables" tables_have sorry
ask 2 "$VIP1"
ask 2 "$VIP2"
web_start rs1
web_start rs2
expect "rs1 and rs2 back, the sorry server gone" tables_have rs1 rs2

step "5. reload: first what it would change, then SIGHUP under steady client traffic"
sed -i 's/^\(  delay_loop\) 2\b/\1 3/' "$(conf_of dir1)" "$(conf_of dir2)"
say "   (delay_loop 2 -> 3 in both files) vigild reload --dry-run on lb1:"
nsx dir1 "$VIGILD" reload --dry-run --socket "$LAB_DIR/dir1.sock" | sed 's/^/      /'
log=$LAB_DIR/reload.log
TIMEOUT=5 loop_start "$log" "http://$VIP1/" "http://$VIP2/"
expect "the client loop runs" loop_more "$log" 10
kill -HUP "${DPID[dir1]}" "${DPID[dir2]}" || die "cannot SIGHUP the directors"
reloaded_both() { [ "$(grep -c 'vrrp: reload' "$(log_of dir1)")" -ge 1 ] \
  && [ "$(grep -c 'vrrp: reload' "$(log_of dir2)")" -ge 1 ]; }
expect "both directors reloaded" reloaded_both
n=$(loop_count "$log")
expect "20 more requests after the reload" loop_more "$log" $((n + 20))
loop_stop "$log"
say "   $(loop_count "$log") requests across the reload, $(grep -c ' fail ' "$log") failed"
show

step "6. lb1 crashes: its links go down and vigild is SIGKILLed"
crash dir1
expect "lb2 holds both VIPs" holds_all dir2 "$VIP1" "$VIP2"
expect "the client's ARP entry for 198.18.0.100 points to lb2" client_arp_to dir2 "$VIP1"
ask 2 "$VIP1"
ask 2 "$VIP2"
say "   lb1 comes back (clean kernel state, vigild started again)"
revive dir1
expect "lb1 takes 198.18.0.100 back (priority 150)" held_by dir1 "$VIP1"
expect "lb1's table has rs1 and rs2" table_has dir1 rs1 rs2
ask 2 "$VIP1"
show

step "7. lb2 stops gracefully (SIGTERM): it sends priority 0, lb1 takes 198.18.0.101 at once"
t=$SECONDS
dstop dir2 TERM
expect "lb1 holds both VIPs" held_by dir1 "$VIP1" "$VIP2"
say "   lb2 stopped and lb1 took over within $((SECONDS - t)) s; lb2's table: $(nsx dir2 ipvsadm -Ln | grep -cE '^(TCP|UDP|FWM)') virtual servers"
ask 2 "$VIP2"

step "8. what lb1 says about itself: vigild status"
status dir1 | sed 's/^/      /'
say "   a few lines of http://127.0.0.1:9650/metrics on lb1:"
nsx dir1 curl -s --max-time 10 http://127.0.0.1:9650/metrics \
  | grep -E '^vigil_(vrrp_state\{.*MASTER|real_server_alive|check_last_duration|virtual_server_connections_total)' \
  | head -12 | sed 's/^/      /'

step "SIGTERM to lb1: it releases its VIPs and removes its virtual servers"
dstop dir1 TERM
say "   lb1's table after the stop: $(nsx dir1 ipvsadm -Ln | grep -cE '^(TCP|UDP|FWM)') virtual servers"
say "   lb1's log, the state changes:"
grep -E 'Entering|reload|Reloading|Stopping|taken out|up$|down$' "$(log_of dir1)" | head -40 | sed 's/^/      /'
say "demo done"
