# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Helpers for the LVS lab VM tests and the failover bench (sourced; runs inside a
# tests/vm/vmrun.sh guest as root): a VRRP pair of directors in front of real servers, each
# box a network namespace, web servers that answer with their own name, the daemons under test
# started and stopped by PID, a client that counts its answers, and bounded polls.
# Addresses are in 198.18.0.0/15 only.
#
# Two bridges in the guest's root namespace:
#   outside, lbout0, 198.18.0.0/24     inside, lbin0, 198.19.0.0/24
#   client  198.18.0.10
#   dir1    198.18.0.1  (eth0)         198.19.0.1 (eth1)
#   dir2    198.18.0.2  (eth0)         198.19.0.2 (eth1)
#   rs1     198.18.0.11 (eth0)         198.19.0.11 (eth1)
#   rs2     198.18.0.12 (eth0)         198.19.0.12 (eth1)
#   sorry   198.18.0.14 (eth0)         198.19.0.14 (eth1)
# VIPs (VRRP, on the master director's eth0): 198.18.0.100 and 198.18.0.101; the inside
# gateway VIP of LVS-NAT is 198.19.0.254 on eth1.
# A real server is on one side at a time (rs_net): on the outside for LVS-DR (its own address
# on eth0, the VIPs on lo, arp_ignore=1 and arp_announce=2: it takes the VIP traffic that the
# director forwards by MAC but never answers ARP for a VIP, and replies to the client
# directly), on the inside for LVS-NAT (eth0 down, default route through the gateway VIP, so
# every reply goes back through the master director, which undoes the NAT).
set -u # no pipefail: `cmd | grep -q` would fail when grep exits first
NS_PREFIX=lb-
# shellcheck source=tests/vm/guest.sh
. "$(dirname "${BASH_SOURCE[0]}")/../guest.sh" || exit 1

LAB_DIR=/run/lblab
LAB_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VIP1=198.18.0.100
VIP2=198.18.0.101
GW_VIP=198.19.0.254
declare -A OUT_IP=([client]=198.18.0.10 [dir1]=198.18.0.1 [dir2]=198.18.0.2 [rs1]=198.18.0.11
  [rs2]=198.18.0.12 [sorry]=198.18.0.14)
declare -A IN_IP=([dir1]=198.19.0.1 [dir2]=198.19.0.2 [rs1]=198.19.0.11 [rs2]=198.19.0.12
  [sorry]=198.19.0.14)
SERVERS="rs1 rs2 sorry"
DIRECTORS="dir1 dir2"
RS_SIDE=out        # which side the real servers are on now: out (DR) or in (NAT)
declare -A WEB_PID=()  # "rs1:80" -> PID of that web server
declare -A DPID=()     # director -> PID of its daemon (the parent, for keepalived)
declare -A IMPL=()     # director -> vigild | keepalived
declare -A DARGS=()    # director -> extra daemon arguments (word-split), e.g. "-i lb1"
VIGILD=${VIGILD:-vigild}
LAB_TCPFIN=2           # the directors' lvs_timeouts tcpfin (see write_confs)
KEEPALIVED=${KEEPALIVED:-/usr/sbin/keepalived}

# veth_to NODE BRIDGE IFNAME HOSTNAME: NODE's IFNAME, its peer HOSTNAME on BRIDGE.
veth_to() {
  ip link add "$4" type veth peer name "$3" netns "lb-$1" || die "veth $3 of $1"
  ip link set "$4" master "$2" up || die "$4 on $2"
  nsx "$1" ip link set "$3" up
}

# lab_setup: the bridges, namespaces and links; directors forward; real servers on the outside.
lab_setup() {
  [ "${VIGIL_VM_GUEST:-}" = 1 ] || die "this test must run inside a VM guest (tests/vm/vmrun.sh)"
  modprobe ip_vs || die "modprobe ip_vs failed"
  mkdir -p "$LAB_DIR" || die "cannot create $LAB_DIR"
  local n br
  for br in lbout0 lbin0; do
    ip link add "$br" type bridge || die "cannot create bridge $br"
    ip link set "$br" up
  done
  for n in client $DIRECTORS $SERVERS; do
    ip netns add "lb-$n" || die "cannot create namespace lb-$n"
    nsx "$n" ip link set lo up
    # No IPv6: nothing here uses it, and its link-local addresses would only add noise.
    nsx "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    veth_to "$n" lbout0 eth0 "lo-$n"
    nsx "$n" ip addr add "${OUT_IP[$n]}/24" dev eth0 || die "outside address of $n"
    # DR replies come from the VIP and NAT replies from far away: no reverse-path filter.
    nsx "$n" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
      net.ipv4.conf.eth0.rp_filter=0
  done
  for n in $DIRECTORS $SERVERS; do
    veth_to "$n" lbin0 eth1 "li-$n"
    nsx "$n" sysctl -qw net.ipv4.conf.eth1.rp_filter=0
  done
  for n in $DIRECTORS; do
    nsx "$n" ip addr add "${IN_IP[$n]}/24" dev eth1 || die "inside address of $n"
    nsx "$n" sysctl -qw net.ipv4.ip_forward=1 || die "ip_forward on $n"
  done
  for n in $SERVERS; do
    mkdir -p "$LAB_DIR/www-$n" || die "cannot create $n's web root"
    echo "$n" >"$LAB_DIR/www-$n/index.html" || die "cannot write $n's page"
    nsx "$n" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
      net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2 \
      || die "arp sysctls on $n"
  done
  rs_net out
  for n in $DIRECTORS $SERVERS; do
    poll 20 nsx client "$BUSYBOX" ping -c1 -W1 "${OUT_IP[$n]}" || die "client cannot ping $n"
  done
}

# rs_net out|in: puts the real servers (and the sorry server) on that side (see the top).
rs_net() {
  local n
  RS_SIDE=$1
  for n in $SERVERS; do
    if [ "$1" = out ]; then
      nsx "$n" ip addr flush dev eth1
      nsx "$n" ip link set eth0 up
      nsx "$n" ip addr replace "${OUT_IP[$n]}/24" dev eth0 || die "outside address of $n"
      nsx "$n" ip addr replace "$VIP1/32" dev lo || die "VIP1 on $n's lo"
      nsx "$n" ip addr replace "$VIP2/32" dev lo || die "VIP2 on $n's lo"
    else
      nsx "$n" ip addr flush dev eth0
      nsx "$n" ip link set eth0 down
      nsx "$n" ip addr del "$VIP1/32" dev lo 2>/dev/null
      nsx "$n" ip addr del "$VIP2/32" dev lo 2>/dev/null
      nsx "$n" ip addr replace "${IN_IP[$n]}/24" dev eth1 || die "inside address of $n"
      nsx "$n" ip route replace default via "$GW_VIP" dev eth1 || die "default route of $n"
    fi
  done
}

# rip NAME: NAME's address on the side the real servers are on now.
rip() { if [ "$RS_SIDE" = out ]; then echo "${OUT_IP[$1]}"; else echo "${IN_IP[$1]}"; fi; }

# web_start NAME [PORT...]: NAME's web servers (default port 80), each answering with NAME.
web_start() {
  local n=$1 p
  shift
  for p in "${@:-80}"; do
    # Not through nsx: $! must be the server itself (ip netns exec execs it).
    ip netns exec "lb-$n" "$BUSYBOX" httpd -f -p "$p" -h "$LAB_DIR/www-$n" &
    WEB_PID[$n:$p]=$!
  done
  for p in "${@:-80}"; do
    poll 20 nsx dir1 timeout 2 "$LAB_LIB_DIR/get.sh" "$(rip "$n")" "$p" \
      || die "$n's web server on port $p (pid ${WEB_PID[$n:$p]}) does not answer"
  done
}

# web_stop NAME: kills all of NAME's web servers by their PIDs.
web_stop() {
  local n=$1 k
  for k in "${!WEB_PID[@]}"; do
    [ "${k%%:*}" = "$n" ] || continue
    kill -TERM "${WEB_PID[$k]}" || die "cannot kill $k's web server (pid ${WEB_PID[$k]})"
    wait "${WEB_PID[$k]}" 2>/dev/null
    unset "WEB_PID[$k]"
    ! nsx dir1 timeout 2 "$LAB_LIB_DIR/get.sh" "$(rip "$n")" "${k#*:}" >/dev/null 2>&1 \
      || die "$k's web server still answers after kill"
  done
}

# fetch [VIP [PORT]]: one request from the client; prints the body (a server's name). A refused
# or reset request fails at once; the limit is for a guest under load.
fetch() { nsx client timeout 5 "$LAB_LIB_DIR/get.sh" "${1:-$VIP1}" "${2:-80}"; }

# ---- the directors and their daemons

# set_pair PAIR: IMPL of dir1 and dir2 from vigild-vigild, vigild-keepalived, ...
set_pair() {
  case $1 in
    vigild-vigild | vigild-keepalived | keepalived-vigild | keepalived-keepalived) ;;
    *) die "PAIR must be vigild-vigild, vigild-keepalived or keepalived-keepalived, not '$1'" ;;
  esac
  IMPL[dir1]=${1%-*}
  IMPL[dir2]=${1#*-}
}
conf_of() { echo "$LAB_DIR/$1.conf"; }
log_of() { echo "$LAB_DIR/$1.log"; }

# dstart DIR: starts DIR's daemon (the whole daemon: VRRP, IPVS and checkers) on its config.
# Both get the same command line; the pid files are per director so two can run.
dstart() {
  local d=$1 bin
  case ${IMPL[$d]} in
    vigild) bin=$VIGILD ;;
    keepalived) bin=$KEEPALIVED ;;
  esac
  [ -z "${DPID[$d]:-}" ] || die "$d: already running (pid ${DPID[$d]})"
  echo "=== $(date +%T.%N | cut -c1-12) start ${IMPL[$d]}" >>"$(log_of "$d")"
  # Not through nsx, so that $! is the daemon (ip netns exec execs it).
  # shellcheck disable=SC2086 # DARGS holds several arguments on purpose
  ip netns exec "lb-$d" "$bin" -n -l -D -f "$(conf_of "$d")" -p "$LAB_DIR/$d.pid" \
    -r "$LAB_DIR/${d}_vrrp.pid" -c "$LAB_DIR/${d}_chk.pid" ${DARGS[$d]:-} >>"$(log_of "$d")" 2>&1 &
  DPID[$d]=$!
}

# gone PID: PID has exited (a zombie counts: it is only waiting for its parent).
gone() {
  local st
  st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
  [ -z "$st" ] || [ "$st" = Z ]
}
alive() { [ -n "${DPID[$1]:-}" ] && ! gone "${DPID[$1]}"; }
# ns_empty DIR: no process left in DIR's namespace (keepalived's children exit after it).
ns_empty() { [ -z "$(ip netns pids "lb-$1" 2>/dev/null)" ]; }

# dstop DIR TERM|KILL: TERM asks the daemon to stop (it gives its VIPs up with a priority 0
# advert) and waits, bounded, for it to exit. KILL is a crash: the daemon's children first
# (keepalived's VRRP child would otherwise be told by its dying parent to stop gracefully),
# then the daemon. Either way it returns when nothing is left in DIR's namespace.
dstop() {
  local d=$1 sig=$2 p=${DPID[$1]:-} c
  alive "$d" || die "$d: stop requested, but ${IMPL[$d]} is not running"
  echo "=== $(date +%T.%N | cut -c1-12) SIG$sig" >>"$(log_of "$d")"
  if [ "$sig" = KILL ]; then
    for c in $(ps -o pid= --ppid "$p" 2>/dev/null); do kill -KILL "$c" 2>/dev/null; done
  fi
  kill "-$sig" "$p" || die "$d: cannot send SIG$sig to pid $p"
  poll 30 gone "$p" || die "$d: ${IMPL[$d]} (pid $p) still running 30 s after SIG$sig"
  wait "$p" 2>/dev/null
  DPID[$d]=
  poll 30 ns_empty "$d" || die "$d: processes left in its namespace: $(ip netns pids "lb-$d")"
}

# crash DIR: a director that dies: its links go down, then its daemon is SIGKILLed (so its
# leftover VIP and IPVS table can serve no one, and the client is served by the other one only
# once the new master's gratuitous ARP has reached it).
crash() {
  nsx "$1" ip link set eth0 down
  nsx "$1" ip link set eth1 down
  dstop "$1" KILL
}
# revive DIR: the crashed machine comes back with a clean kernel state, then its daemon.
revive() {
  local d=$1 a
  nsx "$d" ipvsadm -C
  for a in $VIP1 $VIP2; do nsx "$d" ip addr del "$a/32" dev eth0 2>/dev/null; done
  nsx "$d" ip addr del "$GW_VIP/32" dev eth1 2>/dev/null
  nsx "$d" ip link set eth0 up
  nsx "$d" ip link set eth1 up
  dstart "$d"
}

# holds DIR ADDR: DIR carries ADDR (a VIP).
holds() { nsx "$1" ip -4 -o addr show | grep -qF " $2/"; }
# holder ADDR: which directors carry ADDR: dir1, dir2, "dir1 dir2" or none.
holder() {
  local d out=""
  for d in $DIRECTORS; do holds "$d" "$1" && out="$out $d"; done
  out=${out# }
  echo "${out:-none}"
}
# held_by DIR ADDR...: DIR and only DIR carries every ADDR.
held_by() {
  local d=$1 a
  shift
  for a in "$@"; do [ "$(holder "$a")" = "$d" ] || return 1; done
}
# holds_all DIR ADDR...: DIR carries every ADDR (the other may too: a crashed director keeps
# its addresses, behind its links that are down).
holds_all() {
  local d=$1 a
  shift
  for a in "$@"; do holds "$d" "$a" || return 1; done
}
mac_of() { nsx "$1" cat /sys/class/net/eth0/address; }
# client_arp_to DIR ADDR: the client's neighbour entry for ADDR is DIR's MAC.
client_arp_to() {
  nsx client ip neigh show "$2" dev eth0 | grep -qi "lladdr $(mac_of "$1")"
}

# ipvs_of DIR: DIR's IPVS table, numeric, without the connection counters (they move).
ipvs_of() { nsx "$1" ipvsadm -Ln | awk '{print $1, $2, $3, $4}'; }
# table_has DIR WANT...: DIR's table has exactly the servers named (rs1 rs2 sorry) behind
# every virtual server (each name once per virtual server).
table_has() {
  local d=$1 n here want vs table
  shift
  want=" $* "
  table=$(nsx "$d" ipvsadm -Ln) || return 1
  vs=$(grep -cE '^(TCP|UDP|FWM) ' <<<"$table")
  [ "$vs" -ge 1 ] || return 1
  for n in $SERVERS; do
    here=$(grep -cE -- "-> $(rip "$n"):[0-9]+ " <<<"$table")
    if [[ $want == *" $n "* ]]; then [ "$here" = "$vs" ] || return 1
    else [ "$here" = 0 ] || return 1; fi
  done
}
# tables_have WANT...: both directors' tables (both run the checkers, master or not).
tables_have() { table_has dir1 "$@" && table_has dir2 "$@"; }

lab_diagnostics() {
  local d
  for d in $DIRECTORS; do
    [ -e "/run/netns/lb-$d" ] || continue
    echo "---- $d (${IMPL[$d]:-?}, pid ${DPID[$d]:-none}): IPVS table and addresses"
    nsx "$d" ipvsadm -Ln 2>&1 | sed 's/^/  | /'
    nsx "$d" ip -4 -br addr 2>&1 | sed 's/^/  | /'
    echo "---- $d: IPVS connections and persistence templates (ipvsadm -Lnc)"
    nsx "$d" ipvsadm -Lnc 2>&1 | sed 's/^/  | /'
    if [ -f "$(log_of "$d")" ]; then
      echo "---- last lines of $d's log"
      tail -n 40 "$(log_of "$d")" | sed 's/^/  | /'
    fi
  done
  [ -e /run/netns/lb-client ] && {
    echo "---- client neighbours"
    nsx client ip neigh 2>&1 | sed 's/^/  | /'
  }
}

# expect WHAT CMD...: bounded poll (BOUND seconds) for a state; fails the test with WHAT if it never comes.
expect() {
  local what=$1 t=$SECONDS d
  shift
  if poll "$BOUND" "$@"; then
    say "ok: $what (after $((SECONDS - t))s)"
    return 0
  fi
  for d in $DIRECTORS; do
    [ -z "${DPID[$d]:-}" ] || alive "$d" || die "$d: ${IMPL[$d]} (pid ${DPID[$d]}) has exited; waiting for: $what"
  done
  die "not within ${BOUND}s: $what"
}

# ---- configurations

# vrrp NAME IF VRID PRIO ADDR...: one vrrp_instance (both start as BACKUP; priority decides).
vrrp() {
  local a
  cat <<EOF
vrrp_instance $1 {
  state BACKUP
  interface $2
  virtual_router_id $3
  priority $4
  advert_int 1
  virtual_ipaddress {
EOF
  for a in "${@:5}"; do echo "    $a/32 dev $2"; done
  echo "  }"
  echo "}"
}
# rs NAME WEIGHT [CHECK_PORT]: one real_server, rs1 with HTTP_GET and rs2 with TCP_CHECK.
rs() {
  local check
  if [ "$1" = rs1 ]; then
    check="HTTP_GET {
      url {
        path /
        status_code 200
      }
      connect_port ${3:-80}
      connect_timeout 2
      retry 1
      delay_before_retry 1
    }"
  else
    check="TCP_CHECK {
      connect_port ${3:-80}
      connect_timeout 2
      retry 1
      delay_before_retry 1
    }"
  fi
  cat <<EOF
  real_server $(rip "$1") 80 {
    weight $2
    $check
  }
EOF
}
# vs SERVICE METHOD SCHED [EXTRA]: a virtual server with rs1, rs2 (weights W1, W2) and sorry.
vs() {
  cat <<EOF
virtual_server $1 {
  delay_loop 1
  lvs_sched $3
  lvs_method $2
  protocol TCP
  ${4:-}
  sorry_server $(rip sorry) 80
$(rs rs1 "${W1:-1}")
$(rs rs2 "${W2:-1}")
}
EOF
}
# prio DIR HIGH_ON: 150 on director HIGH_ON, 100 on the other.
prio() { if [ "$1" = "$2" ]; then echo 150; else echo 100; fi; }

# write_confs LAB [SCHED]: both directors' configurations for LAB (nat, dr, dual or persist;
# tests/vm/labs/lab.sh says what each is), the real servers on the side rip() says.
write_confs() {
  local d lab=$1 sched=${2:-rr}
  for d in $DIRECTORS; do
    {
      echo "! lab $lab, director $d (${IMPL[$d]})"
      echo "global_defs {"
      echo "  router_id $d"
      # A DR director sees only the client's half of a connection, so IPVS keeps each closed
      # one in FIN_WAIT for tcpfin seconds (120 by default), and a new connection from a
      # client port still in that table goes to the same real server as the old one,
      # persistence template or not (conn_reuse_mode 1 reschedules only TIME_WAIT). The
      # lab's single client makes hundreds of connections and its kernel does reuse ports
      # within two minutes, so with the default a drill could see a request follow a stale
      # entry. A short tcpfin keeps the table to the last few seconds.
      echo "  lvs_timeouts tcpfin $LAB_TCPFIN"
      echo "}"
      case $lab in
        nat)
          vrrp VI_OUT eth0 51 "$(prio "$d" dir1)" "$VIP1"
          vrrp VI_IN eth1 52 "$(prio "$d" dir1)" "$GW_VIP"
          printf 'vrrp_sync_group NAT {\n  group {\n    VI_OUT\n    VI_IN\n  }\n}\n'
          vs "$VIP1 80" NAT "$sched"
          ;;
        dr)
          vrrp VI_1 eth0 51 "$(prio "$d" dir1)" "$VIP1"
          vs "$VIP1 80" DR rr
          ;;
        dual)
          vrrp VI_1 eth0 51 "$(prio "$d" dir1)" "$VIP1"
          vrrp VI_2 eth0 52 "$(prio "$d" dir2)" "$VIP2"
          vs "$VIP1 80" DR rr
          vs "$VIP2 80" DR rr
          ;;
        persist)
          # VIP2 (the fwmark service's) rides on the same instance.
          vrrp VI_1 eth0 51 "$(prio "$d" dir1)" "$VIP1" "$VIP2"
          vs "$VIP1 80" DR rr "persistence_timeout 60"
          vs "fwmark 1" DR rr "persistence_timeout 60"
          ;;
      esac
    } >"$(conf_of "$d")"
  done
}

# ---- the client

# only NAME COUNT [VIP [PORT]]: COUNT requests in a row are all served by NAME.
only() {
  local i got
  for ((i = 1; i <= $2; i++)); do
    got=$(fetch "${3:-$VIP1}" "${4:-80}") || got="(no answer)"
    [ "$got" = "$1" ] || die "request $i of $2 to ${3:-$VIP1}:${4:-80} answered by '$got', expected only $1"
  done
  say "ok: $2 requests in a row to ${3:-$VIP1}:${4:-80} all served by $1"
}
# answers COUNT [VIP [PORT]]: the bodies of COUNT requests, space-separated ('-' for a failure).
answers() {
  local i out=""
  for ((i = 1; i <= $1; i++)); do out+="$(fetch "${2:-$VIP1}" "${3:-80}" || echo -) "; done
  echo "${out% }"
}

# loop_start LOG URL...: a background client (client.py, one process) that requests the URLs
# in turn every INTERVAL seconds (default 0.05), each with a timeout of TIMEOUT (default 2 s),
# and logs one line per request: "<start> <end> ok <body>" or "<start> <end> fail <reason>".
# It stops when loop_stop removes its run file.
loop_start() {
  local log=$1
  shift
  : >"$log"
  : >"$log.run"
  ip netns exec lb-client python3 "$LAB_LIB_DIR/client.py" "$log" "${INTERVAL:-0.05}" \
    "${TIMEOUT:-2}" "$@" &
  LOOP_PID=$!
}
loop_stop() {
  rm -f "$1.run"
  wait "$LOOP_PID" 2>/dev/null
}
# loop_count LOG: requests logged so far.
loop_count() { wc -l <"$1"; }
# loop_more LOG N: at least N requests logged.
loop_more() { [ "$(loop_count "$1")" -ge "$2" ]; }
