#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 1,000 services x 10 destinations:
#  - programmed from empty;
#  - one destination's weight changed and SIGHUP: exactly one netlink op, and
#    exactly one netlink request;
#  - restart over the programmed table (after -I stop, and after SIGKILL):
#    no op, and the kernel's connection counters survive (nothing re-created).
# Usage (inside a guest): scale.sh VIGILD
. "$(dirname "$0")/lib.sh"
VIGILD=$1
guest_setup
# Local clients reach the VIPs through eth0; the real servers don't exist, so
# a connection attempt just leaves an IPVS connection entry and counts.
ip route add 198.18.0.0/24 dev eth0 2>/dev/null || true
ip route add 198.19.0.0/16 dev eth0 2>/dev/null || true

gen() {  # gen WEIGHT_OF_FIRST_DEST
  echo "global_defs { router_id scale }"
  local s r first=$1
  for s in $(seq 0 999); do
    echo "virtual_server 198.18.$((s / 250)).$((s % 250 + 1)) 80 {"
    echo "  lvs_sched wrr"; echo "  lvs_method NAT"; echo "  protocol TCP"
    for r in $(seq 1 10); do
      w=1; [ "$s" = 0 ] && [ "$r" = 1 ] && w=$first
      echo "  real_server 198.19.$((s / 250)).$(( (s % 250) * 10 % 250 + r)) 80 { weight $w }"
    done
    echo "}"
  done
}
gen 1 >/tmp/scale.conf
sed -n 1,4p /tmp/scale.conf

start=$SECONDS
start_vigild /tmp/vigild.log --ipvs-resync=30 -I -f /tmp/scale.conf
poll 600 log_has /tmp/vigild.log 'ipvs: start: ' || { tail /tmp/vigild.log; die "vigild did not finish programming"; }
grep -E 'ipvs: start: ' /tmp/vigild.log
if log_has /tmp/vigild.log 'start: 11000 op\(s\) applied, 0 failed, 0 skipped'; then
  pass "programmed 11000 ops from empty in $((SECONDS - start)) s (guest time, TCG)"
else
  fail "start did not apply exactly 11000 ops"
fi
n=$(ipvsadm -Sn | grep -c '^-a ')
[ "$n" = 10000 ] && pass "kernel has 10000 destinations" || fail "kernel has $n destinations"

# Change one weight and reload.
gen 5 >/tmp/scale.conf
kill -HUP "$VPID"
poll 120 log_has /tmp/vigild.log 'ipvs: reload: ' || die "no reload report"
line=$(grep -E 'ipvs: reload: ' /tmp/vigild.log | tail -1)
echo "$line"
if echo "$line" | grep -q '1 op(s) applied, 0 failed, 0 skipped (1 netlink request(s))'; then
  pass "one changed destination = 1 op and 1 netlink request"
else
  fail "one changed destination: '$line'"
fi
w=$(ipvsadm -Ln -t 198.18.0.1:80 | awk '$2 == "198.19.0.1:80" { print $4 }')
[ "$w" = 5 ] && pass "the kernel has the new weight" || fail "weight in kernel is '$w', want 5"

# Make connections so that the counters would show a re-created service.
for i in 1 2 3; do timeout 2 bash -c 'exec 3<>/dev/tcp/198.18.0.1/80' 2>/dev/null; done
conns() { ipvsadm -Ln --stats -t 198.18.0.1:80 | awk '$1 == "TCP" { print $3 }'; }
# The kernel publishes counters every 2 s (its rate estimator).
counted() { [ "$(conns)" -ge 3 ]; }
poll 20 counted
c0=$(conns)
[ "${c0:-0}" -ge 3 ] && pass "service counted $c0 connections" || fail "no IPVS connection counted (got '$c0')"
snap=$(ipvsadm -Sn)

restart_check() {  # restart_check HOW
  start_vigild /tmp/vigild2.log --ipvs-resync=30 -f /tmp/scale.conf
  poll 600 log_has /tmp/vigild2.log 'ipvs: start: ' || die "restart did not report"
  grep -E 'ipvs: start: ' /tmp/vigild2.log
  if log_has /tmp/vigild2.log 'start: 0 op\(s\) applied, 0 failed'; then
    pass "restart after $1: no op"
  else
    fail "restart after $1 changed the kernel"
  fi
  [ "$(ipvsadm -Sn)" = "$snap" ] && pass "restart after $1: table unchanged" || fail "restart after $1: table changed"
  [ "$(conns)" = "$c0" ] && pass "restart after $1: counters kept ($c0)" || fail "restart after $1: counters $(conns), were $c0"
}

# The first vigild runs with -I (dont-release-ipvs): on stop the table stays.
stop_vigild
[ "$(ipvsadm -Sn)" = "$snap" ] && pass "-I: table left in place on stop" || fail "-I: table changed on stop"
restart_check "-I stop"

kill -KILL "$VPID"; wait "$VPID" 2>/dev/null; VPID=
restart_check "SIGKILL"
stop_vigild
[ -z "$(ipvsadm -Sn)" ] && pass "released on stop" || fail "table left after stop"
finish
