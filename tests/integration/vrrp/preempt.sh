#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# keepalived's preemption knobs, node a (priority 200, state BACKUP) joining a running b
# (priority 100, MASTER by then):
#   1. nopreempt: a does not take the VIP while b keeps advertising. "Keeps advertising" is
#      counted on the wire (b's adverts after a started, enough to cover a's
#      master_down_interval and more), not waited for with a sleep;
#   2. SIGTERM of b: a takes the VIP (nopreempt never blocks a takeover from a stopped master);
#   3. preempt_delay D: a takes the VIP from a running b, and its first advert as master is on
#      the wire no earlier than D seconds after it was started (a lower bound: correctness,
#      not speed).
# Usage: [IMPL_A=vigild|keepalived] [IMPL_B=...] [VIGILD=path] preempt.sh MODE
. "$(dirname "$0")/lib.sh"
parse_mode "${1:-}"
VRID=51
VIP=$(vip_of "$VRID" "$FAMILY")
# preempt_delay (whole seconds) longer than a's master_down_interval, else the lower bound
# checked at the end would hold without it.
DELAY=${PREEMPT_DELAY:-$(awk -v a="$ADVERT" 'BEGIN { d = 5 * a; printf "%d", (d == int(d)) ? d : int(d) + 1 }')}

topology_up
gen_conf b "$WORK/b.conf" "${CONF_OPTS[@]}" -r "$VRID:100:BACKUP"
capture_start

# count_adverts NODE N: a second capture that exits after NODE's next N adverts.
count_adverts() {
  local filter="ether src $(mac_of "$1") and (ip proto 112 or ip6 proto 112)"
  ip netns exec "$NS_S" dumpcap -q -i pa -c "$2" -f "$filter" -w "$WORK/count.pcapng" \
    >"$WORK/count.log" 2>&1 &
  COUNT_PID=$!
  EXTRA_PIDS+=("$COUNT_PID")
  poll "$WAIT" grep -q "Capturing on" "$WORK/count.log" || die "count capture did not start"
}

# 1. nopreempt
gen_conf a "$WORK/a.conf" "${CONF_OPTS[@]}" -n -r "$VRID:200:BACKUP"
start_node b
expect_vips "b alone takes $VIP" "$WAIT" "$VIP=b"
# a's master_down_interval is under 4 advert intervals; 8 of b's adverts are twice that.
count_adverts b 8
start_node a
if poll "$WAIT" gone "$COUNT_PID"; then
  wait "$COUNT_PID"
  expect_vips "nopreempt: a (priority 200) leaves $VIP to b while b advertises" 0 "$VIP=b"
else
  kill -KILL "$COUNT_PID"
  fail "nopreempt: b sent fewer than 8 adverts in $WAIT s after a started ($VIP on [$(master_of "$VIP")])"
fi
expect_running a b

# 2. the master stops: a takes over despite nopreempt
stop_node b TERM
expect_vips "nopreempt: SIGTERM of b, a takes $VIP" "$WAIT" "$VIP=a"
stop_node a TERM
expect_vips "SIGTERM of a: no VIP left" "$WAIT" "$VIP=none"

# 3. preempt_delay
gen_conf a "$WORK/a.conf" "${CONF_OPTS[@]}" -d "$DELAY" -r "$VRID:200:BACKUP"
start_node b
expect_vips "b alone takes $VIP again" "$WAIT" "$VIP=b"
t_start=$(date +%s.%N)
start_node a
expect_vips "preempt_delay $DELAY: a takes $VIP, b releases it" $((WAIT + DELAY)) "$VIP=a"
expect_running a b
stop_node a TERM
stop_node b TERM

capture_stop a b
# a's first advert with its own priority (as master; priority 0 is its stop).
first=$(tshark -n -r "$WORK/wire.pcapng" -Y "vrrp && eth.src == $(mac_of a) && vrrp.prio == 200 \
  && frame.time_epoch > $t_start" -T fields -e frame.time_epoch 2>/dev/null | head -1)
if [ -z "$first" ]; then
  fail "preempt_delay: no advert from a as master after its start"
else
  after=$(awk -v f="$first" -v s="$t_start" 'BEGIN { printf "%.2f", f - s }')
  if awk -v a="$after" -v d="$DELAY" 'BEGIN { exit !(a >= d) }'; then
    pass "preempt_delay $DELAY: a's first advert as master came $after s after its start"
  else
    fail "preempt_delay $DELAY: a advertised as master only $after s after its start"
  fi
fi
check_wire "$VERSION" "$ADVERT" "$FAMILY" "$CAST" "$VRID" a="$VRID" b="$VRID"
finish
