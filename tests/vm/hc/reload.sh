#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Checker state across reloads, the notify scripts and omega, on the LVS-DR lab of lib.sh
# (vigild only: it is about vigild's own promises). The virtual server has quorum 1, a sorry
# server, quorum_up/quorum_down and omega; each real server has TCP_CHECK and
# notify_up/notify_down. Every script appends its arguments to one notes file.
#   1. both up; no script has run;
#   2. rs1's web server killed: rs1 leaves, "down rs1" noted once;
#   3. SIGHUP with the same configuration (one comment added): rs1 stays out, rs2 stays in,
#      no script runs: the checkers kept their state;
#   4. SIGHUP with rs2's weight changed to 3: the weight changes in place, rs1 stays out;
#   5. rs1 restarted: "up rs1";
#   6. both killed: the sorry server, "down rs1", "down rs2", "quorum down";
#   7. rs2 restarted: "up rs2", "quorum up", the sorry server leaves;
#   8. SIGTERM: omega runs "down rs2" and "quorum down"; the table is empty.
# lvs_notify_fifo gets keepalived's "RS ... UP|DOWN" and "VS ... UP|DOWN" lines all along; its
# reader script appends them to a second file.
# Usage (inside a guest): reload.sh VIGILD
# shellcheck source=tests/vm/hc/lib.sh
. "$(dirname "$0")/lib.sh" || exit 1
[ $# -eq 1 ] || die "usage: $0 VIGILD"
DAEMON=$1
FLAVOUR=vigild
BOUND=${HC_LAB_BOUND:-40}

lab_setup
for n in rs1 rs2 sorry; do web_start "$n"; done
NOTES=$LAB_DIR/notes
: >"$NOTES"
cat >"$LAB_DIR/note.sh" <<'SH'
#!/bin/sh
echo "$*" >>/run/hclab/notes
SH
chmod 755 "$LAB_DIR/note.sh"
FIFO_LINES=$LAB_DIR/fifo-lines
: >"$FIFO_LINES"
cat >"$LAB_DIR/fifo.sh" <<'SH'
#!/bin/sh
# lvs_notify_fifo_script: the FIFO's path is the last argument.
exec cat "$1" >>/run/hclab/fifo-lines
SH
chmod 755 "$LAB_DIR/fifo.sh"

CONF=$LAB_DIR/reload.conf
write_conf() { # write_conf RS2_WEIGHT [EXTRA_COMMENT]
  cat >"$CONF" <<CONF
! ${2:-first version}
global_defs {
  lvs_notify_fifo $LAB_DIR/lvs.fifo
  lvs_notify_fifo_script $LAB_DIR/fifo.sh
}
virtual_server $LAB_VIP 80 {
  delay_loop 1
  lvs_sched rr
  lvs_method DR
  protocol TCP
  omega
  quorum_up "$LAB_DIR/note.sh quorum up"
  quorum_down "$LAB_DIR/note.sh quorum down"
  sorry_server ${LAB_IP[sorry]} 80
  real_server ${LAB_IP[rs1]} 80 {
    weight 1
    notify_up "$LAB_DIR/note.sh up rs1"
    notify_down "$LAB_DIR/note.sh down rs1"
    TCP_CHECK {
      connect_timeout 2
      retry 1
      delay_before_retry 1
    }
  }
  real_server ${LAB_IP[rs2]} 80 {
    weight $1
    notify_up "$LAB_DIR/note.sh up rs2"
    notify_down "$LAB_DIR/note.sh down rs2"
    TCP_CHECK {
      connect_timeout 2
      retry 1
      delay_before_retry 1
    }
  }
}
CONF
}
write_conf 1

DAEMON_LOG=$LAB_DIR/daemon.log
ip netns exec hc-director "$DAEMON" -n -l -D -C -f "$CONF" -p "$LAB_DIR/d.pid" \
  -r "$LAB_DIR/d_vrrp.pid" -c "$LAB_DIR/d_checkers.pid" >"$DAEMON_LOG" 2>&1 &
DPID=$!
say "started vigild, pid $DPID, log $DAEMON_LOG"

noted() { [ "$(grep -cx "$1" "$NOTES")" -eq "$2" ]; } # noted LINE COUNT
fifo_has() { [ "$(grep -cxF "$1" "$FIFO_LINES")" -eq "$2" ]; } # fifo_has LINE COUNT
RS1_LINE="RS [${LAB_IP[rs1]}]:tcp:80 [$LAB_VIP]:tcp:80"
RS2_LINE="RS [${LAB_IP[rs2]}]:tcp:80 [$LAB_VIP]:tcp:80"
VS_LINE="VS [$LAB_VIP]:tcp:80"
# reloaded N: the daemon has logged N reloads of its IPVS half.
reloaded() { [ "$(grep -c 'ipvs: reload:' "$DAEMON_LOG")" -ge "$1" ]; }
# steady SECONDS WANT...: the table shows exactly WANT at every poll for SECONDS.
steady() {
  local s=$1 end
  shift
  end=$((SECONDS + s))
  while [ "$SECONDS" -lt "$end" ]; do
    state "$@" || die "the table changed: wanted exactly '$*'"
    sleep 0.2
  done
  say "ok: the table stayed '$*' for ${s}s"
}
weight_of() { # weight_of NAME: the Weight column of NAME's line
  ipvs_table | awk -v a="${LAB_IP[$1]}:80" '$1 == "->" && $2 == a {print $4}'
}

say "-- 1. both real servers up"
expect "rs1 and rs2 in the table" state rs1 rs2
[ ! -s "$NOTES" ] || die "scripts ran at start: $(cat "$NOTES")"

say "-- 2. rs1's web server stops"
web_stop rs1
expect "rs1 removed" state rs2
expect "'down rs1' noted once" noted "down rs1" 1
expect "the FIFO got '$RS1_LINE DOWN'" fifo_has "$RS1_LINE DOWN" 1

say "-- 3. SIGHUP, same configuration"
write_conf 1 "second version, same content"
kill -HUP "$DPID"
expect "the reload applied" reloaded 1
steady 5 rs2
noted "up rs1" 0 || die "rs1 was declared up by the reload"
noted "down rs1" 1 || die "rs1's down script ran again on reload"
[ "$(wc -l <"$NOTES")" -eq 1 ] || die "scripts ran on reload: $(cat "$NOTES")"

say "-- 4. SIGHUP, rs2's weight 1 -> 3"
write_conf 3 "third version, rs2 weight 3"
kill -HUP "$DPID"
expect "the reload applied" reloaded 2
rs2_weight_3() { [ "$(weight_of rs2)" = 3 ]; }
expect "rs2 has weight 3" rs2_weight_3
steady 3 rs2
[ "$(wc -l <"$NOTES")" -eq 1 ] || die "scripts ran on reload: $(cat "$NOTES")"

say "-- 5. rs1's web server restarts"
web_start rs1
expect "rs1 back" state rs1 rs2
expect "'up rs1' noted" noted "up rs1" 1
expect "the FIFO got '$RS1_LINE UP'" fifo_has "$RS1_LINE UP" 1

say "-- 6. both web servers stop"
web_stop rs1
web_stop rs2
expect "the sorry server alone" state sorry
expect "'down rs1' noted twice" noted "down rs1" 2
expect "'down rs2' noted" noted "down rs2" 1
expect "'quorum down' noted" noted "quorum down" 1
expect "the FIFO got '$VS_LINE DOWN'" fifo_has "$VS_LINE DOWN" 1
expect "the FIFO got '$RS2_LINE DOWN'" fifo_has "$RS2_LINE DOWN" 1

say "-- 7. rs2's web server restarts"
web_start rs2
expect "rs2 back, the sorry server gone" state rs2
expect "'up rs2' noted" noted "up rs2" 1
expect "'quorum up' noted" noted "quorum up" 1
expect "the FIFO got '$VS_LINE UP'" fifo_has "$VS_LINE UP" 1

say "-- 8. SIGTERM: omega"
kill -TERM "$DPID"
gone() { ! kill -0 "$DPID" 2>/dev/null; }
poll 30 gone || die "vigild (pid $DPID) did not exit within 30 s of SIGTERM"
expect "omega: 'down rs2' noted again" noted "down rs2" 2
expect "omega: 'quorum down' noted again" noted "quorum down" 2
noted "down rs1" 2 || die "omega ran rs1's down script, but rs1 was already down"
empty() { ! ipvs_table | grep -q '^TCP'; }
expect "the table is empty" empty
say "PASS: checker state across reloads, notify scripts and omega"
