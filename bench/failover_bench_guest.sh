#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest part of bench/failover_bench.sh (runs as root in a tests/vm/vmrun.sh guest): the LVS-DR
# lab of tests/vm/labs/lib.sh (VIP1 on a VRRP pair, dir1 master, real servers rs1 and rs2),
# once per pair of daemons. Under a steady client (tests/vm/labs/client.py: one request every
# INTERVAL ms, each with a TIMEOUT ms limit, every result logged with its timestamps) it runs
# ROUNDS times: SIGTERM dir1 (a graceful switchover), restart it (it preempts back), SIGKILL
# dir1 with its links down (a crashed machine), "reboot" it (it preempts back). Each event is
# logged with its time in OUT/PAIR.events beside the requests in OUT/PAIR.requests;
# bench/failover_report.py turns them into figures.
#
# Usage: failover_bench_guest.sh VIGILD OUT ROUNDS INTERVAL_MS TIMEOUT_MS PAIR...
# shellcheck source=tests/vm/labs/lib.sh
. "$(dirname "$0")/../tests/vm/labs/lib.sh" || exit 1
# shellcheck disable=SC2034 # VIGILD, INTERVAL, TIMEOUT and BOUND are read by lib.sh
[ $# -ge 6 ] || die "usage: $0 VIGILD OUT ROUNDS INTERVAL_MS TIMEOUT_MS PAIR..."
VIGILD=$1 OUT=$2 ROUNDS=$3
INTERVAL=$(printf '0.%03d' "$4")
TIMEOUT=$(printf '%d.%03d' $(($5 / 1000)) $(($5 % 1000)))
shift 5
BOUND=${LAB_BOUND:-60}
# After a change, the client must see this many answers in a row before the next event (so
# each window covers the whole disruption and a steady state after it).
STEADY=${FAILOVER_STEADY:-50}

event() { echo "$(date +%s.%N) $1" >>"$EVENTS"; }
# steady N: the last N logged requests all succeeded, and there are at least N after the mark.
steady() {
  local log=$1 mark=$2
  [ "$(loop_count "$log")" -ge $((mark + STEADY)) ] || return 1
  ! tail -n "$STEADY" "$log" | grep -q ' fail '
}
wait_steady() {
  local what=$1
  expect "$what" steady "$LOG" "$(loop_count "$LOG")"
}

lab_setup
rs_net out
for n in rs1 rs2; do web_start "$n" 80; done
for pair in "$@"; do
  set_pair "$pair"
  LOG=$OUT/$pair.requests EVENTS=$OUT/$pair.events
  : >"$EVENTS"
  W1=1 W2=1 write_confs dr
  say "==== $pair: dir1 ${IMPL[dir1]}, dir2 ${IMPL[dir2]}"
  dstart dir1
  dstart dir2
  expect "dir1 holds VIP1" held_by dir1 "$VIP1"
  expect "both tables have rs1 and rs2" tables_have rs1 rs2
  loop_start "$LOG" "http://$VIP1/"
  wait_steady "the client is served"
  for ((i = 1; i <= ROUNDS; i++)); do
    event term
    dstop dir1 TERM
    expect "dir2 holds VIP1" held_by dir2 "$VIP1"
    wait_steady "the client is served through dir2"
    event back
    dstart dir1
    expect "dir1 takes VIP1 back" held_by dir1 "$VIP1"
    wait_steady "the client is served through dir1"
    event kill
    crash dir1
    expect "dir2 holds VIP1" holds_all dir2 "$VIP1"
    wait_steady "the client is served through dir2"
    event back
    revive dir1
    expect "dir1 takes VIP1 back" held_by dir1 "$VIP1"
    wait_steady "the client is served through dir1"
    say "round $i done"
  done
  event end
  loop_stop "$LOG"
  dstop dir1 TERM
  dstop dir2 TERM
  cp "$(log_of dir1)" "$OUT/$pair.dir1.log"
  cp "$(log_of dir2)" "$OUT/$pair.dir2.log"
  rm -f "$(log_of dir1)" "$(log_of dir2)"
done
say "done"
