#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The guest half of run-default.sh (runs inside a tests/vm guest, which has a
# kernel with IPVS). It builds the LVS-DR lab of tests/vm/hc/lib.sh, whose
# addresses are the bundled configuration's (director 198.18.0.1 with the VIP
# 198.18.0.100, real servers 198.18.0.11 and .12 answering /healthz), then:
# vigild -C programs the configuration's virtual server, the live table is
# listed by vigild and by ipvsadm, the client is served through the VIP, one
# real server's web server stops and HTTP_GET takes it out, it restarts and
# comes back, and a stop removes everything.
# Usage: demo-ipvs-guest.sh VIGILD CONF
vigild=$1 conf=$2
# shellcheck source=tests/vm/hc/lib.sh
. "$(dirname "$0")/../tests/vm/hc/lib.sh" || exit 1
BOUND=60 FLAVOUR=vigild

lab_setup
for n in rs1 rs2; do
  echo ok >"$LAB_DIR/www-$n/healthz" || die "cannot write $n's /healthz"
  web_start "$n"
done

echo "== vigild -C --dry-run -f $conf   (the ops for an empty table, as ipvsadm -R input)"
ip netns exec hc-director "$vigild" -C --dry-run -f "$conf" || exit 1

echo "== vigild -C -n -l -f $conf   (programs the kernel and runs the health checks)"
DAEMON_LOG=$LAB_DIR/daemon.log
ip netns exec hc-director "$vigild" -C -n -l -f "$conf" -p "$LAB_DIR/d.pid" \
  -r "$LAB_DIR/d_vrrp.pid" -c "$LAB_DIR/d_checkers.pid" >"$DAEMON_LOG" 2>&1 &
DPID=$!
expect "both real servers in the table" state rs1 rs2
echo "== vigild ipvs list   (the live table, as ipvsadm -Ln prints it)"
ip netns exec hc-director "$vigild" ipvs list
echo "== ipvsadm -Ln   (for comparison)"
ipvs_table
echo "== vigild ipvs list --json"
ip netns exec hc-director "$vigild" ipvs list --json
echo "== the client through the VIP (persistence keeps it on one real server): $(fetch)"

echo "== rs1's web server stops: HTTP_GET (delay_loop 6, retry 3) takes rs1 out"
web_stop rs1
expect "rs1 removed" state rs2
ipvs_table
echo "== the client now gets: $(fetch)"
echo "== rs1's web server restarts"
web_start rs1
expect "rs1 back" state rs1 rs2
ipvs_table

echo "== SIGTERM: vigild removes its services"
kill -TERM "$DPID"
wait "$DPID"
rc=$?
echo "== ipvsadm -Ln after stop"
ipvs_table
echo "== vigild's log"
sed 's/^/  | /' "$DAEMON_LOG"
exit "$rc"
