#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Creates two private network namespaces joined by a veth pair (198.18.0.1/24 and
# 2001:db8::1/64 on vio-a, .2 / ::2 on vio-b), runs the vigil_vrrp_io test program
# inside the first one (it enters the second one itself for the peer's sockets),
# and always removes the namespaces. Usage: run.sh PATH/TO/vrrp_io_netns_test [catch args]
set -eu
prog=$1
shift
[ "$(id -u)" = 0 ] || { echo "skip: needs root"; exit 77; }
command -v ip >/dev/null || { echo "skip: no iproute2"; exit 77; }

a="vio-$$-a"
b="vio-$$-b"
cleanup() {
  ip netns del "$a" 2>/dev/null || true
  ip netns del "$b" 2>/dev/null || true
}
trap cleanup EXIT INT TERM
ip netns add "$a" || { echo "skip: cannot create network namespaces"; exit 77; }
ip netns add "$b"
for ns in "$a" "$b"; do
  # No DAD: the IPv6 addresses are usable at once, without waiting.
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0
  ip -n "$ns" link set lo up
done
ip -n "$a" link add vio-a type veth peer name vio-b netns "$b"
ip -n "$a" addr add 198.18.0.1/24 dev vio-a
ip -n "$b" addr add 198.18.0.2/24 dev vio-b
ip -n "$a" addr add 2001:db8::1/64 dev vio-a nodad
ip -n "$b" addr add 2001:db8::2/64 dev vio-b nodad
ip -n "$a" link set vio-a up
ip -n "$b" link set vio-b up

VIO_NS_A="$a" VIO_NS_B="$b" ip netns exec "$a" "$prog" "$@"
