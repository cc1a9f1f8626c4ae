#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# For every tests/golden/ipvs/*.conf: vigild -C programs the guest kernel, and
# `ipvsadm -Sn` must equal `vigild -C --dry-run` (as sets of rules); the
# timeouts and sync daemons must be what the dry run says; `vigild ipvs`
# must list the table exactly as ipvsadm does; and stopping vigild removes
# its services. Then keepalived 2.2.7 (`keepalived -C`) programs the same
# config, and the kernel must hold the same services and destinations.
# Usage (inside a guest): matrix.sh VIGILD CASE_DIR [CASE...]
. "$(dirname "$0")/lib.sh"
VIGILD=$1; CASES=$2; shift 2
guest_setup

# -Ln output with each destination line prefixed by its service line, sorted:
# the same table listed in another order normalizes to the same text.
normalize_list() {
  awk 'NR <= 3 { print "0 " $0; next }
       /^  ->/ { print "1 " svc " " $0; next }
       { svc = $0; print "1 " svc }' | sort
}

list=("$@")
[ ${#list[@]} -gt 0 ] || list=("$CASES"/*.conf)
[ ${#list[@]} -gt 0 ] && [ -f "${list[0]}" ] || die "no cases in $CASES"

for conf in "${list[@]}"; do
  name=$(basename "$conf" .conf)
  ipvsadm -C
  ipvsadm --stop-daemon master 2>/dev/null; ipvsadm --stop-daemon backup 2>/dev/null
  if ! "$VIGILD" -C --dry-run -f "$conf" >/tmp/dry.rules 2>/tmp/dry.err; then
    fail "$name: vigild --dry-run failed: $(cat /tmp/dry.err)"; continue
  fi
  # ipvsadm -Sn never prints thresholds (-x/-y); they are checked below.
  expected=$(sed -E 's/ -[xy] [0-9]+//g' /tmp/dry.rules | sorted_rules)
  start_vigild /tmp/vigild.log -f "$conf"
  rules_match() { [ "$(kernel_rules)" = "$expected" ]; }
  if poll 60 rules_match; then
    pass "$name: ipvsadm -Sn equals the dry run ($(echo "$expected" | grep -c .) rules)"
  else
    fail "$name: ipvsadm -Sn differs from the dry run"
    diff <(echo "$expected") <(kernel_rules) | head -20
    tail -20 /tmp/vigild.log
  fi
  while read -r line; do
    svc=$(echo "$line" | awk '{ print $2, $3 }')
    rs=$(echo "$line" | sed -E 's/.* -r ([^ ]+) .*/\1/')
    x=$(echo "$line" | sed -nE 's/.* -x ([0-9]+).*/\1/p'); y=$(echo "$line" | sed -nE 's/.* -y ([0-9]+).*/\1/p')
    # shellcheck disable=SC2086
    got=$(ipvsadm -Ln --thresholds $svc | awk -v rs="$rs" '$2 == rs { print $3, $4 }')
    if [ "$got" = "${x:-0} ${y:-0}" ]; then
      pass "$name: thresholds of $rs ($got)"
    else
      fail "$name: thresholds of $rs: kernel '$got', want '${x:-0} ${y:-0}'"
    fi
  done < <(grep -E '^-a .* -[xy] ' /tmp/dry.rules)
  if set_line=$(grep -E '^--set ' /tmp/dry.rules); then
    read -r _ tcp tcpfin udp <<<"$set_line"
    got=$(ipvsadm -Ln --timeout)
    want="Timeout (tcp tcpfin udp): $tcp $tcpfin $udp"
    # 0 in --set leaves that timeout as it was.
    if [ "$tcp" = 0 ] || [ "$tcpfin" = 0 ] || [ "$udp" = 0 ] || [ "$got" = "$want" ]; then
      pass "$name: timeouts"
    else
      fail "$name: timeouts: want '$want', kernel '$got'"
    fi
  fi
  for role in master backup; do
    if grep -qE "^--start-daemon $role" /tmp/dry.rules; then
      if poll 30 sh -c "ipvsadm -Ln --daemon | grep -q '^$role sync daemon'"; then
        pass "$name: $role sync daemon running"
      else
        fail "$name: $role sync daemon not running: $(ipvsadm -Ln --daemon)"
      fi
    fi
  done
  # vigild's own listing against ipvsadm's, on the same live table.
  if [ "$("$VIGILD" ipvs save | sorted_rules)" = "$(kernel_rules)" ]; then
    pass "$name: vigild ipvs save"
  else
    fail "$name: vigild ipvs save differs from ipvsadm -Sn"
    diff <(kernel_rules) <("$VIGILD" ipvs save | sorted_rules) | head
  fi
  for mode in "" --stats --rate; do
    # shellcheck disable=SC2086
    if [ "$("$VIGILD" ipvs list $mode | normalize_list)" = "$(ipvsadm -Ln $mode | normalize_list)" ]; then
      pass "$name: vigild ipvs list $mode"
    else
      fail "$name: vigild ipvs list $mode differs from ipvsadm -Ln $mode"
      # shellcheck disable=SC2086
      diff <(ipvsadm -Ln $mode | normalize_list) <("$VIGILD" ipvs list $mode | normalize_list) | head
    fi
  done
  if ! "$VIGILD" ipvs list --json | python3 -c 'import json,sys; json.load(sys.stdin)'; then
    fail "$name: vigild ipvs list --json is not JSON"
  fi
  stop_vigild
  if [ "${VPID_RC:-1}" -ne 0 ]; then
    fail "$name: vigild exited with status $VPID_RC"; tail -20 /tmp/vigild.log
  fi
  if [ -z "$(kernel_rules)" ]; then
    pass "$name: services released on stop"
  else
    fail "$name: services left after stop: $(kernel_rules | head -3)"
  fi
  # The reference: keepalived's checker half on the same config.
  ipvsadm -C
  keepalived -C -n -l -G -f "$conf" -p /run/ka.pid -c /run/ka_checkers.pid >/tmp/ka.log 2>&1 &
  kpid=$!
  if poll 60 rules_match; then
    pass "$name: keepalived -C programs the same table"
  else
    fail "$name: keepalived -C programs a different table"
    diff <(echo "$expected") <(kernel_rules) | head -20
  fi
  kill -TERM "$kpid" 2>/dev/null
  for _ in $(seq 1 100); do kill -0 "$kpid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$kpid" 2>/dev/null
  wait "$kpid" 2>/dev/null
done
finish
