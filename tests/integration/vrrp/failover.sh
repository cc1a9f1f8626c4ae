#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# One VRID, node a (priority 200, state MASTER) and node b (priority 100, state BACKUP), both
# preempting. In one run, each step starting from the state the previous one left:
#   1. election: a holds the VIP, b holds none, both daemons still running;
#   2. SIGKILL of a's daemon (a crash, no priority 0): b takes the VIP;
#   3. a restarts: it preempts, a holds the VIP again and b releases it;
#   4. SIGTERM of a's daemon (graceful: releases the VIP, sends priority 0): b takes the VIP;
#   5. SIGTERM of b: it exits and leaves no VIP behind;
#   6. the observer capture of the whole run, decoded by tshark (check_wire in lib.sh),
#      including a's priority-0 advert from step 4.
# Usage: [IMPL_A=vigild|keepalived] [IMPL_B=...] [VIGILD=path] failover.sh MODE
#   MODE: v2-mcast v3-mcast v2-ucast v3-ucast v3-mcast6
. "$(dirname "$0")/lib.sh"
parse_mode "${1:-}"
VRID=51
VIP=$(vip_of "$VRID" "$FAMILY")

topology_up
gen_conf a "$WORK/a.conf" "${CONF_OPTS[@]}" -r "$VRID:200:MASTER"
gen_conf b "$WORK/b.conf" "${CONF_OPTS[@]}" -r "$VRID:100:BACKUP"
capture_start

start_node a
start_node b
expect_vips "election: a (priority 200) holds $VIP, b holds none" "$WAIT" "$VIP=a"
expect_running a b

stop_node a KILL
expect_vips "SIGKILL of a: b takes $VIP" "$WAIT" "$VIP=b*"
# a's VIP stays on its eth0 after the crash (nothing removed it); the restart must cope.
info "after the crash, $VIP is on [$(master_of "$VIP")]"

start_node a
expect_vips "restart of a: a preempts, holds $VIP, b releases it" "$WAIT" "$VIP=a"
expect_running a b

stop_node a TERM
[ "$STOP_RC" = 0 ] && pass "SIGTERM of a: exited with status 0" \
  || fail "SIGTERM of a: exit status $STOP_RC"
expect_vips "SIGTERM of a: b takes $VIP, a holds none" "$WAIT" "$VIP=b"
expect_running b

stop_node b TERM
[ "$STOP_RC" = 0 ] && pass "SIGTERM of b: exited with status 0" \
  || fail "SIGTERM of b: exit status $STOP_RC"
expect_vips "SIGTERM of b: no node holds $VIP" "$WAIT" "$VIP=none"

capture_stop b
check_wire "$VERSION" "$ADVERT" "$FAMILY" "$CAST" "$VRID" a="$VRID" b="$VRID"
finish
