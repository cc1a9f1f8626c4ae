#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The VRRP half of vigil's main job, on the host: two directors in throw-away
# network namespaces joined by a veth pair (eth0 in each). Director A runs
# `vigild -P` on the given configuration (the bundled one by default); director
# B runs Debian's keepalived on the same file with `state BACKUP` and priority
# 100, as the other director of the pair would. It shows A elected master with
# the VIPs, B taking over when A stops (priority 0), and A preempting back.
# Usage: scripts/demo-vrrp.sh VIGILD [CONF]
set -euo pipefail
vigild=$1
conf=${2:-etc/keepalived.conf}
work=$(mktemp -d /tmp/vigil-demo-vrrp.XXXXXX)
a=vigil-demo-a-$$
b=vigil-demo-b-$$
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  ip netns del "$a" 2>/dev/null || true
  ip netns del "$b" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# poll SECONDS CMD...: until CMD succeeds, at most SECONDS.
poll() {
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}
vip=$(awk '/virtual_ipaddress/ {getline; print $1; exit}' "$conf")
vip=${vip%/*}
holds() { ip -n "$1" -br addr show dev eth0 | grep -qw "$vip"; }
show() {
  echo "   A: $(ip -n "$a" -br addr show dev eth0 | cut -c17-)"
  echo "   B: $(ip -n "$b" -br addr show dev eth0 | cut -c17-)"
}

ip netns add "$a"
ip netns add "$b"
ip -n "$a" link set lo up
ip -n "$b" link set lo up
ip link add "vda$$" netns "$a" type veth peer name "vdb$$" netns "$b"
ip -n "$a" link set "vda$$" name eth0
ip -n "$b" link set "vdb$$" name eth0
# The bundled configuration names eth1 too (the real servers' side).
ip link add "vea$$" netns "$a" type veth peer name "veb$$" netns "$b"
ip -n "$a" link set "vea$$" name eth1
ip -n "$b" link set "veb$$" name eth1
ip -n "$a" addr add 198.18.0.1/24 dev eth0
ip -n "$b" addr add 198.18.0.2/24 dev eth0
for n in "$a" "$b"; do ip -n "$n" link set eth0 up; ip -n "$n" link set eth1 up; done

sed -e 's/state MASTER/state BACKUP/' -e 's/priority 150/priority 100/' "$conf" >"$work/b.conf"

start_a() {
  ip netns exec "$a" "$vigild" -P -n -l -G -f "$conf" -p "$work/a.pid" -r "$work/a_vrrp.pid" \
    -c "$work/a_chk.pid" >>"$work/a.log" 2>&1 &
  apid=$!
  pids+=("$apid")
}
echo "== director B: keepalived -P (state BACKUP, priority 100)"
ip netns exec "$b" keepalived -P -n -l -G -f "$work/b.conf" -p "$work/b.pid" \
  -r "$work/b_vrrp.pid" -c "$work/b_chk.pid" >"$work/b.log" 2>&1 &
pids+=("$!")
echo "== director A: vigild -P -f $conf"
start_a
poll 30 holds "$a" || { cat "$work/a.log"; echo "A did not become master" >&2; exit 1; }
echo "-- A is master and holds $vip:"; show
echo "== SIGTERM to vigild: it sends priority 0, B takes over"
kill -TERM "$apid"; wait "$apid" || true
poll 30 holds "$b" || { echo "B did not take over" >&2; exit 1; }
holds "$a" && { echo "A still holds $vip after stopping" >&2; exit 1; }
show
echo "== vigild again: it preempts back (priority 150 > 100)"
start_a
masters() { [ "$(grep -c 'Entering MASTER' "$work/a.log")" -ge 2 ]; }
poll 30 masters || { cat "$work/a.log"; echo "A did not preempt" >&2; exit 1; }
poll 10 bash -c "! ip -n $b -br addr show dev eth0 | grep -qw $vip" || true
show
echo "-- vigild's log:"
sed 's/^/   /' "$work/a.log"
