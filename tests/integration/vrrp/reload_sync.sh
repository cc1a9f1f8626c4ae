#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# SIGHUP reloads of node a (vigild) with a vrrp_sync_group and a tracked vrrp_script: what an
# unchanged instance keeps across a reload is its whole state, the script's verdict included.
# Node a: VI_51 and VI_52 in sync group G at priority 200, and VI_53 at 200 tracking
# chk_up (`test -e $WORK/up`, weight -150), which fails from the start; node b runs IMPL_B
# with all three at priority 100. In one run:
#   1. a holds 51 and 52; b holds 53 (a's 53 is at 50 while the script fails);
#   2. a reload that changes nothing a's instances use (router_id, a new unused vrrp_script):
#      no state change, nothing moves; a's 53 still counts the script as failed;
#   3. a reload that changes VI_52's priority: the whole group G restarts (the log says why)
#      and a takes 51 and 52 back, while 53 stays with b without a state change;
#   4. the script succeeds: a's 53 (200 again) preempts b, so the kept instance's script
#      monitoring survived both reloads.
# Usage: [IMPL_B=vigild|keepalived] [VIGILD=path] reload_sync.sh
. "$(dirname "$0")/lib.sh"
IMPL_A=vigild
parse_mode v3-mcast
V51=$(vip_of 51 4) V52=$(vip_of 52 4) V53=$(vip_of 53 4)

topology_up
gen_conf b "$WORK/b.conf" "${CONF_OPTS[@]}" -r 51:100:BACKUP -r 52:100:BACKUP -r 53:100:BACKUP

# a_conf PRIO52 ROUTER_ID [EXTRA_SCRIPT]: node a's configuration.
a_conf() {
  local prio52=$1 rid=$2 extra=${3:-}
  gen_conf a "$WORK/a.base" "${CONF_OPTS[@]}" -r 51:200:BACKUP -r "52:$prio52:BACKUP" \
    -r 53:200:BACKUP
  awk -v work="$WORK" -v rid="$rid" -v extra="$extra" '
    /^  router_id/ { print "  router_id " rid; print "  script_user root"; next }
    /^vrrp_instance/ && !done {
      print "vrrp_script chk_up {"
      print "  script \"/usr/bin/test -e " work "/up\""
      print "  interval 1"
      print "  weight -150"
      print "}"
      if (extra != "") {
        print "vrrp_script " extra " {"; print "  script \"/usr/bin/true\""; print "}"
      }
      print "vrrp_sync_group G {"; print "  group {"; print "    VI_51"; print "    VI_52"
      print "  }"; print "}"
      done = 1
    }
    /^vrrp_instance/ { inst = $2 }
    /^  virtual_ipaddress/ && inst == "VI_53" {
      print "  track_script {"; print "    chk_up"; print "  }"
    }
    { print }' "$WORK/a.base" >"$WORK/a.conf"
}

rm -f "$WORK/up"
a_conf 200 vrrpit_a
start_node b
start_node a
expect_vips "start: a holds 51 and 52 (group G), b holds 53 (a's script fails)" "$WAIT" \
  "$V51=a $V52=a $V53=b"

entered() { grep -c "($1) Entering" "$WORK/a.log"; }
hup() {
  local before
  before=$(grep -c 'vrrp: reload:\|reload rejected' "$WORK/a.log")
  kill -HUP "${PID[a]}"
  poll 20 bash -c "[ \$(grep -c 'vrrp: reload:\|reload rejected' '$WORK/a.log') -gt $before ]" \
    || fail "no reload logged after SIGHUP"
}

n51=$(entered VI_51) n52=$(entered VI_52) n53=$(entered VI_53)
a_conf 200 vrrpit_a_renamed unused_chk
hup
grep -q 'vrrp: reload: 3 instance(s) kept, 0 restarted, 0 added, 0 removed' "$WORK/a.log" \
  && pass "router_id and an unused vrrp_script: every instance kept" \
  || fail "router_id and an unused vrrp_script: $(grep 'vrrp: reload:' "$WORK/a.log" | tail -1)"
expect_vips "unrelated change: nothing moves" 5 "$V51=a $V52=a $V53=b"
[ "$(entered VI_51)$(entered VI_52)$(entered VI_53)" = "$n51$n52$n53" ] \
  && pass "unrelated change: no state change" || fail "unrelated change: a state changed"

lines=$(wc -l <"$WORK/a.log")
a_conf 210 vrrpit_a_renamed unused_chk
hup
grep -q '(VI_51) changed: sync group member VI_52 restarts' "$WORK/a.log" \
  && pass "VI_52 changed: VI_51 restarts with it (sync group G)" \
  || fail "VI_52 changed: no 'VI_51 changed: sync group member VI_52 restarts' in the log"
expect_vips "group G restarted: a holds 51 and 52 again, b keeps 53" "$WAIT" \
  "$V51=a $V52=a $V53=b"
poll 10 grep -q '(VI_52) Entering MASTER' <(tail -n +"$((lines + 1))" "$WORK/a.log") \
  || fail "VI_52: no MASTER line after the restart"
grep -q '(VI_53) Entering' <(tail -n +"$((lines + 1))" "$WORK/a.log") \
  && fail "VI_52 changed: VI_53 changed state" || pass "VI_52 changed: VI_53 kept its state"

touch "$WORK/up"
expect_vips "script succeeds: a's kept VI_53 preempts b" "$WAIT" "$V51=a $V52=a $V53=a"
expect_running a b

stop_node a TERM
stop_node b TERM
finish
