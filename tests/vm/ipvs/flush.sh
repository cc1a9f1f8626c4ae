#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# keepalived's global flush keywords: `lvs_flush` empties the whole table at
# start (others' services too); `lvs_flush_on_stop` empties it at stop;
# `lvs_flush_on_stop VS` removes only vigild's services at stop.
# Usage (inside a guest): flush.sh VIGILD
. "$(dirname "$0")/lib.sh"
VIGILD=$1
guest_setup
foreign() { ipvsadm -A -t 198.18.9.9:80 -s lc && ipvsadm -a -t 198.18.9.9:80 -r 198.18.9.10:80 -g; }
has_foreign() { ipvsadm -Sn | grep -q '198.18.9.9:80'; }
has_ours() { ipvsadm -Sn | grep -q '198.18.0.1:80'; }
conf() {  # conf GLOBAL_DEFS_LINES
  cat >/tmp/flush.conf <<CONF
global_defs {
$1
}
virtual_server 198.18.0.1 80 {
  lvs_sched rr
  lvs_method NAT
  protocol TCP
  real_server 198.18.1.1 80 { }
}
CONF
}

conf "  lvs_flush"
foreign
start_vigild /tmp/v1.log -f /tmp/flush.conf
poll 60 has_ours || fail "lvs_flush: not programmed"
has_foreign && fail "lvs_flush: the foreign service survived the start" \
  || pass "lvs_flush: the whole table was flushed at start"
stop_vigild

conf "  lvs_flush_on_stop"
start_vigild /tmp/v2.log -f /tmp/flush.conf
poll 60 has_ours || fail "lvs_flush_on_stop: not programmed"
foreign
has_foreign && pass "lvs_flush_on_stop: others' services untouched while running" \
  || fail "lvs_flush_on_stop: foreign service removed while running"
stop_vigild
[ -z "$(ipvsadm -Sn)" ] && pass "lvs_flush_on_stop: the whole table was flushed at stop" \
  || fail "lvs_flush_on_stop: left $(ipvsadm -Sn | head -2)"

conf "  lvs_flush_on_stop VS"
foreign
start_vigild /tmp/v3.log -f /tmp/flush.conf
poll 60 has_ours || fail "lvs_flush_on_stop VS: not programmed"
stop_vigild
if has_foreign && ! has_ours; then
  pass "lvs_flush_on_stop VS: only vigild's services removed at stop"
else
  fail "lvs_flush_on_stop VS: table after stop: $(ipvsadm -Sn)"
fi
finish
