#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Drift repair and ownership: vigild repairs what others change in its services
# (ipvsadm -C, -d, -D, -e, -E, a stray -a) within one resync interval, logging
# each repair, and never touches a service it does not declare.
# Usage (inside a guest): drift.sh VIGILD
. "$(dirname "$0")/lib.sh"
VIGILD=$1
guest_setup

cat >/tmp/drift.conf <<'CONF'
virtual_server 198.18.0.1 80 {
  lvs_sched wrr
  lvs_method NAT
  protocol TCP
  real_server 198.18.1.1 80 { weight 2 }
  real_server 198.18.1.2 80 { weight 3 }
}
virtual_server 198.18.0.2 53 {
  lvs_sched rr
  lvs_method DR
  protocol UDP
  real_server 198.18.1.3 53 { }
}
CONF
foreign() { ipvsadm -A -t 198.18.9.9:80 -s lc && ipvsadm -a -t 198.18.9.9:80 -r 198.18.9.10:80 -g -w 4; }
foreign_rules="-A -t 198.18.9.9:80 -s lc
-a -t 198.18.9.9:80 -r 198.18.9.10:80 -g -w 4"
has_foreign() { [ "$(ipvsadm -Sn | grep '198.18.9.9' | sort)" = "$(echo "$foreign_rules" | sort)" ]; }

foreign || die "cannot add the foreign service"
"$VIGILD" -C --dry-run -f /tmp/drift.conf >/tmp/dry.rules || die "dry run failed"
ours=$(sorted_rules </tmp/dry.rules)
mine() { ipvsadm -Sn | grep -v '198.18.9.9' | sorted_rules; }
in_sync() { [ "$(mine)" = "$ours" ]; }

start_vigild /tmp/vigild.log -f /tmp/drift.conf
poll 60 in_sync && pass "programmed" || fail "not programmed"
has_foreign && pass "foreign service untouched at start" || fail "foreign service changed at start"

drill() {  # drill NAME COMMAND...: break the table, expect a logged repair
  local n0
  n0=$(grep -c 'repaired drift' /tmp/vigild.log)
  "$@" || { fail "$1: the drill command failed"; return; }
  if poll 30 in_sync; then
    pass "repaired after: $*"
  else
    fail "not repaired after: $*"; diff <(echo "$ours") <(mine)
  fi
  more_repairs() { [ "$(grep -c 'repaired drift' /tmp/vigild.log)" -gt "$n0" ]; }
  poll 10 more_repairs \
    && pass "repair logged after: $*" || fail "no repair logged after: $*"
}
drill ipvsadm -d -t 198.18.0.1:80 -r 198.18.1.2:80
drill ipvsadm -e -t 198.18.0.1:80 -r 198.18.1.1:80 -m -w 9
drill ipvsadm -E -t 198.18.0.1:80 -s lc
drill ipvsadm -a -t 198.18.0.1:80 -r 198.18.1.9:80 -m -w 1
drill ipvsadm -D -u 198.18.0.2:53
drill ipvsadm -C
grep 'repaired drift' /tmp/vigild.log | head -5

# ipvsadm -C also removed the foreign service; vigild must not bring it back.
# Lets three 1 s resyncs pass (a bounded wait on the clock, not on an event:
# here the point is that nothing happens).
sleep_resyncs() { local until=$((SECONDS + 3)); until [ "$SECONDS" -ge "$until" ]; do sleep 0.2; done; }
sleep_resyncs
ipvsadm -Sn | grep -q 198.18.9.9 && fail "vigild re-created a service it does not own" \
  || pass "foreign service not re-created"
foreign
sleep_resyncs
has_foreign && pass "foreign service untouched by resyncs" || fail "foreign service changed"
stop_vigild
[ -z "$(mine)" ] && pass "own services released on stop" || fail "own services left: $(mine)"
has_foreign && pass "foreign service kept on stop" || fail "foreign service removed on stop"
finish
