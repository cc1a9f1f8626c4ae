#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The classic dual-master pair of LVS-DR directors: two VRIDs, each node the higher priority
# (and state MASTER) of one and BACKUP of the other. In one run:
#   1. election: VIP1 (VRID 51) on a only, VIP2 (VRID 52) on b only, both daemons running;
#   2. SIGKILL of a: b holds both VIPs;
#   3. a restarts: each VIP back on its own node;
#   4. SIGTERM of b (graceful, priority 0 for VRID 52): a holds both VIPs, b none;
#   5. SIGTERM of a: no VIP left anywhere;
#   6. the capture decoded by tshark (check_wire in lib.sh), with priority 0 from both nodes.
# Usage: [IMPL_A=vigild|keepalived] [IMPL_B=...] [VIGILD=path] dual_master.sh MODE
#   MODE: v2-mcast v3-mcast v2-ucast v3-ucast v3-mcast6
. "$(dirname "$0")/lib.sh"
parse_mode "${1:-}"
VIP1=$(vip_of 51 "$FAMILY")
VIP2=$(vip_of 52 "$FAMILY")

topology_up
gen_conf a "$WORK/a.conf" "${CONF_OPTS[@]}" -r 51:200:MASTER -r 52:100:BACKUP
gen_conf b "$WORK/b.conf" "${CONF_OPTS[@]}" -r 51:100:BACKUP -r 52:200:MASTER
capture_start

start_node a
start_node b
expect_vips "election: $VIP1 on a only, $VIP2 on b only" "$WAIT" "$VIP1=a $VIP2=b"
expect_running a b

stop_node a KILL
expect_vips "SIGKILL of a: b holds $VIP1 and $VIP2" "$WAIT" "$VIP1=b* $VIP2=b"

start_node a
expect_vips "restart of a: $VIP1 back on a only, $VIP2 still on b only" "$WAIT" \
  "$VIP1=a $VIP2=b"
expect_running a b

stop_node b TERM
[ "$STOP_RC" = 0 ] && pass "SIGTERM of b: exited with status 0" \
  || fail "SIGTERM of b: exit status $STOP_RC"
expect_vips "SIGTERM of b: a holds $VIP1 and $VIP2, b none" "$WAIT" "$VIP1=a $VIP2=a"
expect_running a

stop_node a TERM
[ "$STOP_RC" = 0 ] && pass "SIGTERM of a: exited with status 0" \
  || fail "SIGTERM of a: exit status $STOP_RC"
expect_vips "SIGTERM of a: no VIP left" "$WAIT" "$VIP1=none $VIP2=none"

capture_stop a
check_wire "$VERSION" "$ADVERT" "$FAMILY" "$CAST" "51 52" a="51 52" b=52
finish
