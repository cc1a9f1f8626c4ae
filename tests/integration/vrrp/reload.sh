#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# SIGHUP reloads of node a's VRRP configuration (node a is vigild, the higher priority; node b
# runs IMPL_B with VRIDs 51, 52 and 53 at priority 100). In one run:
#   1. a starts with VRIDs 51 and 52 and holds both VIPs; b holds 53's;
#   2. an unchanged configuration: nothing moves and a logs no new state change;
#   3. a configuration with an error: rejected, nothing moves;
#   4. VRID 53 added: a takes 53's VIP (preempting b) while 51 and 52 stay, without a new
#      state change for them;
#   5. VRID 52 removed: a releases 52's VIP (priority 0) and b takes it; 51 and 53 stay.
# Usage: [IMPL_B=vigild|keepalived] [VIGILD=path] reload.sh
. "$(dirname "$0")/lib.sh"
IMPL_A=vigild
parse_mode v3-mcast
V51=$(vip_of 51 "$FAMILY") V52=$(vip_of 52 "$FAMILY") V53=$(vip_of 53 "$FAMILY")

topology_up
gen_conf b "$WORK/b.conf" "${CONF_OPTS[@]}" -r 51:100:BACKUP -r 52:100:BACKUP -r 53:100:BACKUP
gen_conf a "$WORK/a.conf" "${CONF_OPTS[@]}" -r 51:200:MASTER -r 52:200:MASTER

start_node b
start_node a
expect_vips "start: a holds 51 and 52, b holds 53" "$WAIT" "$V51=a $V52=a $V53=b"

entered() { grep -c 'Entering' "$WORK/a.log"; }
hup() {
  local before
  before=$(grep -c 'vrrp: reload:\|reload rejected' "$WORK/a.log")
  kill -HUP "${PID[a]}"
  poll 20 bash -c "[ \$(grep -c 'vrrp: reload:\|reload rejected' '$WORK/a.log') -gt $before ]" \
    || fail "no reload logged after SIGHUP"
}

n=$(entered)
hup
expect_vips "unchanged configuration: nothing moves" 5 "$V51=a $V52=a $V53=b"
[ "$(entered)" = "$n" ] && pass "unchanged configuration: no state change" \
  || fail "unchanged configuration: $(($(entered) - n)) state change(s)"

cp "$WORK/a.conf" "$WORK/a.good"
printf 'vrrp_instance BROKEN {\n  virtual_router_id 300\n' >>"$WORK/a.conf"
hup
grep -q 'reload rejected' "$WORK/a.log" && pass "broken configuration: reload rejected" \
  || fail "broken configuration: no 'reload rejected' in the log"
expect_vips "broken configuration: nothing moves" 5 "$V51=a $V52=a $V53=b"
[ "$(entered)" = "$n" ] && pass "broken configuration: no state change" \
  || fail "broken configuration: $(($(entered) - n)) state change(s)"

gen_conf a "$WORK/a.conf" "${CONF_OPTS[@]}" -r 51:200:MASTER -r 52:200:MASTER -r 53:200:BACKUP
hup
expect_vips "VRID 53 added: a takes 53, keeps 51 and 52" "$WAIT" "$V51=a $V52=a $V53=a"
# The VIP is added before the state change is logged: wait for the line.
poll 10 grep -q '(VI_53) Entering MASTER' "$WORK/a.log" || fail "VRID 53: no MASTER line logged"
lines=$(wc -l <"$WORK/a.log")

gen_conf a "$WORK/a.conf" "${CONF_OPTS[@]}" -r 51:200:MASTER -r 53:200:BACKUP
hup
expect_vips "VRID 52 removed: b takes 52, a keeps 51 and 53" "$WAIT" "$V51=a $V52=b $V53=a"
grep -q '(VI_51) Entering\|(VI_53) Entering' <(tail -n +"$((lines + 1))" "$WORK/a.log") \
  && fail "VRID 52 removed: VI_51 or VI_53 changed state" \
  || pass "VRID 52 removed: VI_51 and VI_53 kept their state"
expect_running a b

stop_node a TERM
stop_node b TERM
finish
