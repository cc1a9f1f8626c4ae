#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The classic LVS-DR failure drills, end to end, in namespaces inside a guest (lib.sh draws the
# lab): the director runs the daemon under test with one virtual server (VIP:80, DR, rr), real
# servers rs1 (HTTP_GET) and rs2 (TCP_CHECK), and a sorry server. Through the client and the
# director's IPVS table:
#   1. both real servers are in the table and both serve the client;
#   2. rs1's web server killed: rs1 leaves the table, the client gets only rs2;
#   3. rs2's killed too: the sorry server is installed and answers;
#   4. rs1 restarted: it returns, the sorry server goes, the client gets rs1;
#   5. rs2 restarted: both serve again.
# Every wait is a bounded poll; the first failed step ends the test with its reason, the IPVS
# table and the daemon's log.
#
# Usage (inside a guest): lab.sh DAEMON FLAVOUR
#   DAEMON   the binary (a path, or a name in PATH)
#   FLAVOUR  vigild or keepalived (only names the runs; both get the same command line:
#            DAEMON -n -l -D -G -C -f CONF -p PID -r PID -c PID, in the director's namespace)
# shellcheck source=tests/vm/hc/lib.sh
. "$(dirname "$0")/lib.sh" || exit 1
[ $# -eq 2 ] || die "usage: $0 DAEMON FLAVOUR"
DAEMON=$(command -v "$1") || die "no daemon binary $1"
FLAVOUR=$2
case $FLAVOUR in vigild | keepalived) ;; *) die "flavour must be vigild or keepalived" ;; esac
# How long a checker may take to notice a change and the table to show it: delay_loop 1,
# retry 1 and delay_before_retry 1 make it about 3 s on real hardware; TCG is much slower.
BOUND=${HC_LAB_BOUND:-40}

say "hc lab: $FLAVOUR ($DAEMON), bound ${BOUND}s per change"
lab_setup
for n in rs1 rs2 sorry; do web_start "$n"; done
say "lab up: client, director (VIP $LAB_VIP), rs1, rs2 and sorry answer on port 80"

CONF=$LAB_DIR/lab.conf
cat >"$CONF" <<CONF
global_defs {
  router_id hclab
}
virtual_server $LAB_VIP 80 {
  delay_loop 1
  lvs_sched rr
  lvs_method DR
  protocol TCP
  sorry_server ${LAB_IP[sorry]} 80
  real_server ${LAB_IP[rs1]} 80 {
    weight 1
    HTTP_GET {
      url {
        path /
        status_code 200
      }
      connect_timeout 2
      retry 1
      delay_before_retry 1
    }
  }
  real_server ${LAB_IP[rs2]} 80 {
    weight 1
    TCP_CHECK {
      connect_timeout 2
      retry 1
      delay_before_retry 1
    }
  }
}
CONF

DAEMON_LOG=$LAB_DIR/daemon.log
# Not through nsx, so that $! is the daemon (ip netns exec execs it).
ip netns exec hc-director "$DAEMON" -n -l -D -G -C -f "$CONF" -p "$LAB_DIR/d.pid" -r "$LAB_DIR/d_vrrp.pid" \
  -c "$LAB_DIR/d_checkers.pid" >"$DAEMON_LOG" 2>&1 &
DPID=$!
say "started $FLAVOUR, pid $DPID, log $DAEMON_LOG"
say "-- 1. both real servers up"
expect "the table has rs1 and rs2 and no sorry server" state rs1 rs2
both_serve
# Descriptors now, to compare after the drills (vigild is one process; keepalived's checks
# run in a child, so its count says nothing).
fds() { ls "/proc/$DPID/fd" | wc -l; }
FDS_BEFORE=$(fds)

say "-- 2. rs1's web server stops"
web_stop rs1
expect "rs1 removed (rs2 stays, no sorry server)" state rs2
only rs2 6

say "-- 3. rs2's web server stops too"
web_stop rs2
expect "sorry server installed, no real server left" state sorry
only sorry 3

say "-- 4. rs1's web server restarts"
web_start rs1
expect "rs1 back, sorry server removed" state rs1
only rs1 4

say "-- 5. rs2's web server restarts"
web_start rs2
expect "rs1 and rs2 in the table" state rs1 rs2
both_serve

alive || die "$FLAVOUR (pid $DPID) exited during the drills"
if [ "$FLAVOUR" = vigild ]; then
  # Dozens of failed checks ran in between; a leak of one descriptor per failure shows.
  # Slack 2: a probe of each server may be in flight at either count.
  FDS_AFTER=$(fds)
  [ "$FDS_AFTER" -le $((FDS_BEFORE + 2)) ] \
    || die "descriptors grew from $FDS_BEFORE to $FDS_AFTER over the drills"
  say "ok: descriptors $FDS_BEFORE before the drills, $FDS_AFTER after"
fi
kill -TERM "$DPID"
gone() { ! alive; }
poll 30 gone || die "$FLAVOUR (pid $DPID) did not exit within 30 s of SIGTERM"
say "PASS: hc lab with $FLAVOUR"
