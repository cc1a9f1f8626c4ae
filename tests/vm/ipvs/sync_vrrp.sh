#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lvs_sync_daemon follows VRRP, as keepalived does it: plain vigild (both halves) with one
# vrrp_instance on a dummy eth0 and `lvs_sync_daemon eth0 VI_1`. The instance starts BACKUP
# and, alone on its link, becomes MASTER after its master-down interval (advert_int 2: about
# 6 s). The kernel runs the backup sync daemon first, then the master one and no backup; after
# SIGTERM it runs none.
# Usage (inside a guest): sync_vrrp.sh VIGILD
# shellcheck disable=SC2317 # the checks are called through poll
# shellcheck source=tests/vm/ipvs/lib.sh
. "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || die "usage: $0 VIGILD"
VIGILD=$1
guest_setup

cat >/tmp/sync.conf <<'CONF'
global_defs {
  lvs_sync_daemon eth0 VI_1 id 7
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority 100
  advert_int 2
  virtual_ipaddress {
    198.18.255.100/32
  }
}
CONF

daemons() { ipvsadm -L --daemon; }
backup_only() {
  local d
  d=$(daemons) || return 1
  [[ $d == *"backup sync daemon (mcast=eth0, syncid=7"* && $d != *master* ]]
}
master_only() {
  local d
  d=$(daemons) || return 1
  [[ $d == *"master sync daemon (mcast=eth0, syncid=7"* && $d != *backup* ]]
}
none() { [ -z "$(daemons)" ]; }

"$VIGILD" -n -l -D -G -f /tmp/sync.conf >/tmp/sync.log 2>&1 &
VPID=$!
if poll 20 backup_only; then
  pass "the backup sync daemon runs while VI_1 is BACKUP"
else
  fail "no backup sync daemon first: $(daemons)"
fi
if poll 30 master_only; then
  pass "the master sync daemon runs (and no backup) once VI_1 is MASTER"
else
  fail "no master sync daemon: $(daemons)"
fi
if grep -q "VI_1 is MASTER: the kernel runs the master sync daemon" /tmp/sync.log; then
  pass "the switch is logged"
else
  fail "the switch is not logged"
fi
stop_vigild
if poll 10 none; then
  pass "no sync daemon after SIGTERM"
else
  fail "sync daemons left after SIGTERM: $(daemons)"
fi
[ "${VPID_RC:-1}" = 0 ] || fail "vigild exited with status ${VPID_RC:-?}"
if [ "$failures" -ne 0 ]; then
  echo "---- vigild's log"
  tail -n 40 /tmp/sync.log
fi
finish
