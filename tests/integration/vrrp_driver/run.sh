#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Two private network namespaces joined by a veth pair (vd-a 198.18.0.1/24, vd-b
# 198.18.0.2/24). A real peer daemon (keepalived, or vigild) runs VRIDs 61..64 in the
# second one; the test program (the VRRP driver linked directly) runs in the first one
# and reads the driver's status, counters and state changes. Everything is removed at
# the end, and the peer is stopped by its PID.
# Usage: run.sh PEER_BINARY PATH/TO/vrrp_driver_netns_test [catch args]
set -u
peer_bin=$1
prog=$2
shift 2
[ "$(id -u)" = 0 ] || { echo "skip: needs root"; exit 77; }
command -v ip >/dev/null || { echo "skip: no iproute2"; exit 77; }
[ -x "$peer_bin" ] || { echo "FAIL: no peer daemon at '$peer_bin'"; exit 1; }

a="vd-$$-a"
b="vd-$$-b"
work=$(mktemp -d /tmp/vrrp-driver.XXXXXX)
peer=
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  if [ -n "$peer" ] && kill -0 "$peer" 2>/dev/null; then
    kill -KILL "$peer" 2>/dev/null
    wait "$peer" 2>/dev/null
  fi
  ip netns del "$a" 2>/dev/null
  ip netns del "$b" 2>/dev/null
  if [ "${rc:-1}" = 0 ]; then rm -rf "$work"; else echo "peer log kept in $work/peer.log"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ip netns add "$a" || { echo "skip: cannot create network namespaces"; exit 77; }
ip netns add "$b"
ip -n "$a" link set lo up
ip -n "$b" link set lo up
ip -n "$a" link add vd-a type veth peer name vd-b netns "$b"
ip -n "$a" addr add 198.18.0.1/24 dev vd-a
ip -n "$b" addr add 198.18.0.2/24 dev vd-b
ip -n "$a" link set vd-a up
ip -n "$b" link set vd-b up

# The peer: BACKUP below us on 61, MASTER above us on 62 and 64, and on 63 a VRRPv2
# instance whose password differs from ours (each of its adverts is a drop for us).
instance() {  # NAME VRID PRIORITY EXTRA...
  local name=$1 vrid=$2 prio=$3
  shift 3
  printf 'vrrp_instance %s {\n  state BACKUP\n  interface vd-b\n  virtual_router_id %s\n' \
    "$name" "$vrid"
  printf '  priority %s\n' "$prio"
  printf '  %s\n' "$@"
  printf '  virtual_ipaddress {\n    198.18.100.%s/32\n  }\n}\n' "$vrid"
}
{
  printf 'global_defs {\n  router_id vd_peer\n}\n'
  instance VI_61 61 100 "version 3" "advert_int 0.2"
  instance VI_62 62 200 "version 3" "advert_int 0.2"
  instance VI_63 63 100 "version 2" "advert_int 1" \
    "authentication {" "  auth_type PASS" "  auth_pass peerpass" "}"
  instance VI_64 64 200 "version 3" "advert_int 0.2"
} >"$work/peer.conf"

ip netns exec "$b" "$peer_bin" -P -n -l -D -f "$work/peer.conf" -p "$work/peer.pid" \
  -r "$work/peer_vrrp.pid" -c "$work/peer_chk.pid" >"$work/peer.log" 2>&1 &
peer=$!
# The peer holds 62 and 64 before the driver starts, so the driver's instances there
# start as BACKUP under a known master (bounded wait, generous for a loaded machine).
for _ in $(seq 1 100); do
  ip -n "$b" -o addr show dev vd-b | grep -q '198.18.100.64/' &&
    ip -n "$b" -o addr show dev vd-b | grep -q '198.18.100.62/' && break
  sleep 0.1
done
ip -n "$b" -o addr show dev vd-b | grep -q '198.18.100.64/' || {
  echo "FAIL: the peer did not become master of VRID 64"
  cat "$work/peer.log"
  exit 1
}

VD_PEER_PID=$peer ip netns exec "$a" "$prog" "$@"
rc=$?
exit $rc
