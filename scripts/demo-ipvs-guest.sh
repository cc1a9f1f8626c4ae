#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The guest half of run-default.sh (runs inside a tests/vm guest, which has a
# kernel with IPVS): vigild -C programs the configuration's virtual servers,
# the live table is listed by vigild and by ipvsadm, and a stop removes it.
# Usage: demo-ipvs-guest.sh VIGILD CONF
set -u
vigild=$1; conf=$2
# The configuration names eth0 and eth1 (for VRRP): give the guest both.
ip link add eth0 type dummy && ip link add eth1 type dummy
ip link set eth0 up && ip link set eth1 up
modprobe ip_vs

echo "== vigild -C --dry-run -f $conf   (the ops for an empty table, as ipvsadm -R input)"
"$vigild" -C --dry-run -f "$conf" || exit 1

echo "== vigild -C -n -l -f $conf   (programs the kernel)"
"$vigild" -C -n -l -G -f "$conf" 2>&1 &
pid=$!
for _ in $(seq 1 150); do
  [ -n "$(ipvsadm -Sn)" ] && break
  sleep 0.2
done
echo "== vigild ipvs list   (the live table, as ipvsadm -Ln prints it)"
"$vigild" ipvs list
echo "== ipvsadm -Ln   (for comparison)"
ipvsadm -Ln
echo "== vigild ipvs list --json"
"$vigild" ipvs list --json
echo "== SIGTERM: vigild removes its services"
kill -TERM "$pid"
wait "$pid"
rc=$?
echo "== ipvsadm -Ln after stop"
ipvsadm -Ln
exit "$rc"
