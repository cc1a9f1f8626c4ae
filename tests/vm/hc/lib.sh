# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Helpers for the health-check VM tests (sourced; runs inside a tests/vm/vmrun.sh guest as
# root): an LVS-DR lab of network namespaces on one bridge, web servers that answer with their
# own name, and bounded polls. Addresses are in 198.18.0.0/15 only.
#
# Topology (all on bridge hclab0 in the guest's root namespace, 198.18.0.0/24):
#   client    198.18.0.10
#   director  198.18.0.1, and the VIP 198.18.0.100/32 on its eth0 (it answers ARP for it)
#   rs1       198.18.0.11  } VIP on lo, arp_ignore=1 / arp_announce=2: they accept traffic
#   rs2       198.18.0.12  } for the VIP that the director forwards by MAC (DR) but never
#   sorry     198.18.0.13  } answer ARP for it, and reply to the client directly.
# The sorry server is a third DR real server, so the virtual server's one forwarding method
# (DR) serves it too: no NAT on the director.
set -u # no pipefail: `cmd | grep -q` would fail when grep exits first
NS_PREFIX=hc-
# shellcheck source=tests/vm/guest.sh
. "$(dirname "${BASH_SOURCE[0]}")/../guest.sh" || exit 1

LAB_VIP=198.18.0.100
LAB_DIR=/run/hclab
declare -A LAB_IP=([director]=198.18.0.1 [client]=198.18.0.10 [rs1]=198.18.0.11
  [rs2]=198.18.0.12 [sorry]=198.18.0.13)
declare -A WEB_PID=()

lab_ns_up() { # lab_ns_up NAME: namespace hc-NAME, eth0 on the bridge with its address
  local n=$1
  ip netns add "hc-$n" || die "cannot create namespace hc-$n"
  ip link add "hl-$n" type veth peer name eth0 netns "hc-$n" || die "veth for $n"
  ip link set "hl-$n" master hclab0 up || die "hl-$n on the bridge"
  nsx "$n" ip link set lo up
  nsx "$n" ip link set eth0 up
  nsx "$n" ip addr add "${LAB_IP[$n]}/24" dev eth0 || die "address of $n"
  # The reply of a DR real server comes from the VIP: no reverse-path filtering anywhere.
  nsx "$n" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0
}

# lab_setup: builds the namespaces, the bridge, the VIP and the real servers' pages.
lab_setup() {
  [ "${VIGIL_VM_GUEST:-}" = 1 ] || die "this test must run inside a VM guest (tests/vm/vmrun.sh)"
  modprobe ip_vs || die "modprobe ip_vs failed"
  mkdir -p "$LAB_DIR" || die "cannot create $LAB_DIR"
  ip link add hclab0 type bridge || die "cannot create the bridge"
  ip link set hclab0 up
  local n
  for n in director client rs1 rs2 sorry; do lab_ns_up "$n"; done
  nsx director ip addr add "$LAB_VIP/32" dev eth0 || die "VIP on the director"
  for n in rs1 rs2 sorry; do
    nsx "$n" ip addr add "$LAB_VIP/32" dev lo || die "VIP on $n's lo"
    nsx "$n" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
      net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2 \
      || die "arp sysctls on $n"
    mkdir -p "$LAB_DIR/www-$n" || die "cannot create $n's web root"
    echo "$n" >"$LAB_DIR/www-$n/index.html" || die "cannot write $n's page"
  done
  # The client reaches every box directly before any daemon runs (the bridge forwards).
  for n in director rs1 rs2 sorry; do
    poll 20 nsx client "$BUSYBOX" ping -c1 -W1 "${LAB_IP[$n]}" || die "client cannot ping $n"
  done
}

# web_start NAME: starts NAME's web server (port 80 on its own address and on the VIP).
web_start() {
  local n=$1
  # Not through nsx: $! must be the server itself (ip netns exec execs it), not a subshell.
  ip netns exec "hc-$n" "$BUSYBOX" httpd -f -p 80 -h "$LAB_DIR/www-$n" &
  WEB_PID[$n]=$!
  poll 20 nsx client curl -s --max-time 2 -o /dev/null "http://${LAB_IP[$n]}/" \
    || die "$n's web server (pid ${WEB_PID[$n]}) does not answer"
}

# web_stop NAME: kills NAME's web server by its PID.
web_stop() {
  local n=$1
  kill -TERM "${WEB_PID[$n]}" || die "cannot kill $n's web server (pid ${WEB_PID[$n]})"
  wait "${WEB_PID[$n]}" 2>/dev/null
  ! nsx client curl -s --max-time 2 -o /dev/null "http://${LAB_IP[$n]}/" \
    || die "$n's web server still answers after kill"
}

# fetch: one request from the client to the VIP; prints the body (a server's name).
# (A generous limit: a guest under load can be slow, and a refused or reset request fails at
# once anyway.)
fetch() { nsx client curl -s --max-time 10 "http://$LAB_VIP/"; }

# ipvs_table: the director's IPVS table, numeric.
ipvs_table() { nsx director ipvsadm -Ln; }

lab_diagnostics() {
  echo "---- director IPVS table"
  ipvs_table 2>&1 | sed 's/^/  | /'
  if [ -n "${DAEMON_LOG:-}" ] && [ -f "$DAEMON_LOG" ]; then
    echo "---- last lines of the daemon's log ($DAEMON_LOG)"
    tail -n 40 "$DAEMON_LOG" | sed 's/^/  | /'
  fi
}

# The drill helpers below read DPID (the daemon's pid), FLAVOUR and BOUND (seconds a change
# may take) from the test script.
alive() { kill -0 "$DPID" 2>/dev/null; }

# expect WHAT CMD...: bounded poll for a state; fails the test with WHAT if it never comes.
expect() {
  local what=$1 t=$SECONDS
  shift
  if poll "$BOUND" "$@"; then
    say "ok: $what (after $((SECONDS - t))s)"
  else
    alive || die "$FLAVOUR (pid $DPID) has exited; waiting for: $what"
    die "not within ${BOUND}s: $what"
  fi
}
# only NAME COUNT: COUNT requests in a row are all served by NAME.
only() {
  local i got
  for ((i = 1; i <= $2; i++)); do
    got=$(fetch) || got="(no answer)"
    [ "$got" = "$1" ] || die "request $i of $2 answered by '$got', expected only $1"
  done
  say "ok: $2 requests in a row all served by $1"
}
# both_serve: within a few requests, the client is served by rs1 and by rs2.
SEEN=
see_both() {
  SEEN+=" $(fetch || echo -)"
  [[ " $SEEN " == *" rs1 "* && " $SEEN " == *" rs2 "* ]]
}
both_serve() {
  SEEN=
  poll "$BOUND" see_both || die "the client was not served by both rs1 and rs2; got:$SEEN"
  say "ok: the client is served by rs1 and rs2 (answers:$SEEN)"
}
state() { # state WANT...: the table has exactly the real servers named (rs1 rs2 sorry)
  local n want=" $* " table here
  table=$(ipvs_table) || return 1
  for n in rs1 rs2 sorry; do
    here=0
    [[ $table == *"-> ${LAB_IP[$n]}:80 "* ]] && here=1
    if [[ $want == *" $n "* ]]; then [ "$here" = 1 ] || return 1
    else [ "$here" = 0 ] || return 1; fi
  done
}
