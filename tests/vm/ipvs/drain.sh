#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Drain on reload, end to end, on the LVS-DR lab of tests/vm/hc/lib.sh (client, director and
# real servers in namespaces). Each real server runs a TCP server that keeps every connection
# it accepts; the client holds one connection through the VIP and closes it with a reset.
#   1. vigild -C --drain-timeout=30 with rs1 only; the client's connection goes to rs1;
#   2. SIGHUP with rs2 instead of rs1: rs1 stays at weight 0 with its connection, rs2 is added;
#      it is still there two seconds later;
#   3. the client resets its connection: rs1 is deleted (no connection left), "drained" logged;
#   4. vigild restarted with --drain-timeout=8 and rs2 only; a connection goes to rs2;
#   5. SIGHUP with rs1 instead of rs2: rs2 drains at weight 0, and is deleted when the deadline
#      passes although its connection still lives, "deadline passed" logged.
# Usage (inside a guest): drain.sh VIGILD
# shellcheck source=tests/vm/hc/lib.sh
. "$(dirname "$0")/../hc/lib.sh" || exit 1
[ $# -eq 1 ] || die "usage: $0 VIGILD"
VIGILD=$1
FLAVOUR=vigild
BOUND=${DRAIN_BOUND:-25}

lab_setup

# A TCP server on port 80 that keeps what it accepts (the VIP is on the real servers' lo).
cat >"$LAB_DIR/hold-server.py" <<'PY'
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 80))
s.listen(16)
kept = []
while True:
    c, _ = s.accept()
    kept.append(c)
PY
# A client that connects to the VIP, says so in a file, and on SIGTERM closes with a reset
# (SO_LINGER 0): IPVS moves the entry to CLOSE, which expires in 10 s, not TIME_WAIT's 2 min.
cat >"$LAB_DIR/hold-client.py" <<'PY'
import signal, socket, struct, sys
s = socket.create_connection((sys.argv[1], 80), timeout=10)
def bye(*_):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    sys.exit(0)
signal.signal(signal.SIGTERM, bye)
with open(sys.argv[2], "w") as f:
    f.write("connected\n")
while True:
    signal.pause()
PY
for n in rs1 rs2; do
  ip netns exec "hc-$n" python3 "$LAB_DIR/hold-server.py" &
done

CONF=$LAB_DIR/drain.conf
write_conf() { # write_conf RS...: the virtual server with these real servers
  {
    echo "virtual_server $LAB_VIP 80 {"
    echo "  lvs_sched rr"
    echo "  lvs_method DR"
    echo "  protocol TCP"
    local n
    for n in "$@"; do
      echo "  real_server ${LAB_IP[$n]} 80 {"
      echo "    weight 1"
      echo "  }"
    done
    echo "}"
  } >"$CONF"
}

DPID=
start_daemon() { # start_daemon LOG DRAIN_TIMEOUT
  DAEMON_LOG=$1
  ip netns exec hc-director "$VIGILD" -n -l -D -C --ipvs-resync=1 --drain-timeout="$2" \
    -f "$CONF" -p "$LAB_DIR/d.pid" -r "$LAB_DIR/d_vrrp.pid" -c "$LAB_DIR/d_checkers.pid" \
    >"$DAEMON_LOG" 2>&1 &
  DPID=$!
  say "started vigild --drain-timeout=$2, pid $DPID, log $DAEMON_LOG"
}
stop_daemon() {
  kill -TERM "$DPID" || die "cannot signal vigild"
  poll 20 bash -c "! kill -0 $DPID" || die "vigild did not stop"
  wait "$DPID" 2>/dev/null
}

CPID=
connect() { # connect: the client holds one connection to the VIP
  rm -f "$LAB_DIR/connected"
  ip netns exec hc-client python3 "$LAB_DIR/hold-client.py" "$LAB_VIP" "$LAB_DIR/connected" &
  CPID=$!
  poll 20 test -s "$LAB_DIR/connected" || die "the client could not connect to the VIP"
}
disconnect() { kill -TERM "$CPID" && wait "$CPID" 2>/dev/null; }

# line NAME FIELD: a field of NAME's line in the table (4 Weight, 5 ActiveConn, 6 InActConn).
line() { ipvs_table | awk -v a="${LAB_IP[$1]}:80" -v f="$2" '$1 == "->" && $2 == a {print $f}'; }
has() { [ -n "$(line "$1" 2)" ]; }
gone() { ipvs_table >/dev/null && ! has "$1"; }
at() { [ "$(line "$1" 4)" = "$2" ] && [ "$(line "$1" 5)" = "$3" ]; } # at NAME WEIGHT ACTIVE
reloaded() { [ "$(grep -c 'ipvs: reload:' "$DAEMON_LOG")" -ge "$1" ]; }

say "-- 1. rs1 only, one connection to it"
write_conf rs1
start_daemon "$LAB_DIR/daemon1.log" 30
expect "rs1 in the table" has rs1
connect
expect "rs1 has the client's connection" at rs1 1 1

say "-- 2. reload without rs1: it drains"
write_conf rs2
kill -HUP "$DPID"
expect "the reload is applied" reloaded 1
expect "rs1 at weight 0 with its connection" at rs1 0 1
expect "rs2 added at weight 1" at rs2 1 0
log_has() { grep -qE "$1" "$DAEMON_LOG"; }
expect "the drain's start is logged" log_has "draining TCP $LAB_VIP:80 -> ${LAB_IP[rs1]}:80"
# The drain timer reads the kernel every second: two seconds later rs1 is still there.
end=$((SECONDS + 2))
while [ "$SECONDS" -lt "$end" ]; do
  at rs1 0 1 || die "rs1 left the table while its connection lives"
  sleep 0.2
done
say "ok: rs1 stays at weight 0 while the connection lives"

say "-- 3. the connection ends: rs1 is deleted"
disconnect
expect "rs1 deleted once its connection ended" gone rs1
expect "the drain's end is logged" log_has "drained TCP $LAB_VIP:80 -> ${LAB_IP[rs1]}:80: no connection left"
at rs2 1 0 || die "rs2 changed"
stop_daemon
gone rs2 || die "vigild left rs2 behind on stop"

say "-- 4. --drain-timeout=8, rs2 only, one connection to it"
start_daemon "$LAB_DIR/daemon2.log" 8
expect "rs2 in the table" has rs2
connect
expect "rs2 has the client's connection" at rs2 1 1

say "-- 5. reload without rs2: it drains until the deadline"
write_conf rs1
kill -HUP "$DPID"
expect "the reload is applied" reloaded 1
expect "rs2 at weight 0 with its connection" at rs2 0 1
expect "rs2 deleted when the deadline passed" gone rs2
expect "the deadline is logged" log_has "drain of TCP $LAB_VIP:80 -> ${LAB_IP[rs2]}:80 ended: deadline passed after [0-9]+ s with 1 active"
kill -0 "$CPID" || die "the client's connection ended early: the deadline was not tested"
at rs1 1 0 || die "rs1 is not in the table at weight 1"
disconnect
stop_daemon
say "== all passed"
