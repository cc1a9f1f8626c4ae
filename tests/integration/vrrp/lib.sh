# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for the VRRP integration tests (sourced; runs on the host as root).
#
# Topology: two director namespaces, nodes `a` and `b`, each with an `eth0` that is a veth whose
# peer is a port of bridge br0 in a third, switch namespace (an observer capture runs there, on
# a's port, and sees every advert without being a node):
#
#     ns a: eth0 198.18.1.1/24 2001:db8:1::1/64 --- pa ┐
#                                                       br0  (ns s: observer capture on pa)
#     ns b: eth0 198.18.1.2/24 2001:db8:1::2/64 --- pb ┘
#
# Each node runs one daemon; which one is a parameter: IMPL_A / IMPL_B = keepalived | vigild
# (binaries from $KEEPALIVED, default /usr/sbin/keepalived, and $VIGILD). Both are started as
#     ip netns exec NS BIN -P -n -l -D -G -f CONF -p PID -r VRRP_PID -c CHK_PID
# Namespaces carry the shell's PID, processes are stopped by the PIDs recorded here, and the
# EXIT trap removes everything. Addresses are from 198.18.0.0/15 and 2001:db8::/32 only.
set -u  # no pipefail: `cmd | grep -q` would fail when grep exits first

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (network namespaces)"; exit 77; }

KEEPALIVED=${KEEPALIVED:-/usr/sbin/keepalived}
VIGILD=${VIGILD:-}
IMPL_A=${IMPL_A:-keepalived}
IMPL_B=${IMPL_B:-keepalived}

failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
die() { echo "FATAL: $*"; failures=$((failures + 1)); exit 1; }
info() { echo "  .. $*"; }

# poll SECONDS CMD...: runs CMD every 0.2 s until it succeeds or SECONDS pass.
poll() {
  local limit=$1; shift
  local deadline=$((SECONDS + limit))
  while ! "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# Generous bound for every wait on an outcome (seconds). The protocol needs at most a few
# master_down_intervals; the rest is slack for a loaded 2-core machine.
WAIT=${VRRP_WAIT:-30}

WORK=$(mktemp -d /tmp/vrrp-itest.XXXXXX)
NS_PREFIX=vrrpit$$
ns_of() { echo "$NS_PREFIX-$1"; }
NS_S=$(ns_of s)
declare -A PID=()   # node -> daemon PID (the parent; keepalived forks its VRRP child)
START_WRAP=()
CAP_PID=
EXTRA_PIDS=()       # other processes a scenario started (killed by the cleanup trap)

# Per-node addresses and MACs (the MAC identifies a node's packets in a capture).
addr4_of() { case $1 in a) echo 198.18.1.1 ;; b) echo 198.18.1.2 ;; esac; }
addr6_of() { case $1 in a) echo 2001:db8:1::1 ;; b) echo 2001:db8:1::2 ;; esac; }
mac_of() { case $1 in a) echo 02:00:c6:12:01:0a ;; b) echo 02:00:c6:12:01:0b ;; esac; }
peer_of() { case $1 in a) echo b ;; b) echo a ;; esac; }
# The VIP of VRID N: 198.18.100.N/32, or 2001:db8:100::N/128 for an IPv6 instance.
vip_of() { if [ "$2" = 6 ]; then echo "2001:db8:100::$1"; else echo "198.18.100.$1"; fi; }

cleanup() {
  local rc=$?
  local n
  for n in "${!PID[@]}"; do kill_node_tree "$n" KILL; done
  for n in $CAP_PID "${EXTRA_PIDS[@]}"; do ours "$n" && kill -KILL "$n" 2>/dev/null; done
  for n in a b s; do ip netns del "$(ns_of "$n")" 2>/dev/null; done
  if [ "$failures" -ne 0 ] || [ "$rc" -ne 0 ] || [ -n "${VRRP_KEEP:-}" ]; then
    echo "logs and configs kept in $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# topology_up: creates the three namespaces, the bridge and both nodes' eth0.
topology_up() {
  ip netns add "$NS_S" || die "cannot create namespace $NS_S"
  ip -n "$NS_S" link set lo up
  ip -n "$NS_S" link add br0 type bridge mcast_snooping 0 stp_state 0 forward_delay 0
  ip -n "$NS_S" link set br0 up
  local n ns
  for n in a b; do
    ns=$(ns_of "$n")
    ip netns add "$ns" || die "cannot create namespace $ns"
    # No DAD: addresses (link-local too) are usable at once, so v3 IPv6 can start at once.
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
      net.ipv6.conf.default.accept_dad=0 || die "sysctl in $ns"
    ip -n "$ns" link set lo up
    ip -n "$ns" link add eth0 address "$(mac_of "$n")" type veth peer name "p$n" netns "$NS_S" \
      || die "cannot create eth0 in $ns"
    ip -n "$NS_S" link set "p$n" master br0 up
    ip -n "$ns" addr add "$(addr4_of "$n")/24" dev eth0
    ip -n "$ns" addr add "$(addr6_of "$n")/64" dev eth0 nodad
    ip -n "$ns" link set eth0 up
  done
  poll "$WAIT" ports_forwarding || die "topology: bridge ports not forwarding"
}

ports_forwarding() {
  [ "$(bridge -n "$NS_S" link show | grep -c 'state forwarding')" = 2 ]
}

# gen_conf NODE FILE [-v 2|3] [-i ADVERT_INT] [-u] [-6] [-P PASS] [-A KEY] [-n] [-d PREEMPT_DELAY]
#          -r VRID:PRIORITY:STATE [-r ...]
# writes a keepalived.conf for NODE: one vrrp_instance VI_<VRID> per -r on eth0, VIP
# vip_of(VRID), -u unicast to the peer (unicast_src_ip/unicast_peer, else multicast), -6 IPv6
# instances (VIPs and, with -u, peers), -P an `authentication { auth_type PASS }` (v2 only),
# -A the same with `auth_type AH` (IPsec AH, HMAC-MD5-96), -n nopreempt, -d preempt_delay.
gen_conf() {
  local node=$1 file=$2; shift 2
  local version=2 advert=1 unicast=0 fam=4 pass="" auth=PASS nopreempt=0 delay="" insts=()
  local opt OPTIND=1
  while getopts "v:i:u6P:A:nd:r:" opt; do
    case $opt in
      v) version=$OPTARG ;;
      i) advert=$OPTARG ;;
      u) unicast=1 ;;
      6) fam=6 ;;
      P) pass=$OPTARG ;;
      A) pass=$OPTARG auth=AH ;;
      n) nopreempt=1 ;;
      d) delay=$OPTARG ;;
      r) insts+=("$OPTARG") ;;
      *) die "gen_conf: bad option" ;;
    esac
  done
  [ ${#insts[@]} -gt 0 ] || die "gen_conf: no -r VRID:PRIORITY:STATE"
  local self peer
  if [ "$fam" = 6 ]; then
    self=$(addr6_of "$node") peer=$(addr6_of "$(peer_of "$node")")
  else
    self=$(addr4_of "$node") peer=$(addr4_of "$(peer_of "$node")")
  fi
  {
    echo "# vigil VRRP integration test: node $node (generated)"
    echo "global_defs {"
    echo "  router_id vrrpit_$node"
    echo "  vrrp_version $version"
    echo "}"
    local i vrid prio state
    for i in "${insts[@]}"; do
      IFS=: read -r vrid prio state <<<"$i"
      echo "vrrp_instance VI_$vrid {"
      echo "  state $state"
      echo "  interface eth0"
      echo "  virtual_router_id $vrid"
      echo "  priority $prio"
      echo "  advert_int $advert"
      [ "$nopreempt" = 1 ] && echo "  nopreempt"
      [ -n "$delay" ] && echo "  preempt_delay $delay"
      if [ "$unicast" = 1 ]; then
        echo "  unicast_src_ip $self"
        echo "  unicast_peer {"
        echo "    $peer"
        echo "  }"
      fi
      if [ -n "$pass" ] && [ "$version" = 2 ]; then
        echo "  authentication {"
        echo "    auth_type $auth"
        echo "    auth_pass $pass"
        echo "  }"
      fi
      echo "  virtual_ipaddress {"
      if [ "$fam" = 6 ]; then
        echo "    $(vip_of "$vrid" 6)/128 dev eth0"
      else
        echo "    $(vip_of "$vrid" 4)/32 dev eth0"
      fi
      echo "  }"
      echo "}"
    done
  } >"$file"
}

impl_of() { case $1 in a) echo "$IMPL_A" ;; b) echo "$IMPL_B" ;; esac; }
bin_of() {
  case $1 in
    keepalived) echo "$KEEPALIVED" ;;
    vigild) echo "$VIGILD" ;;
    *) echo "" ;;
  esac
}

# start_node NODE: starts NODE's daemon on $WORK/NODE.conf, logging to $WORK/NODE.log (appended
# across restarts). A missing binary or a daemon that is gone at once is fatal (a failed test).
start_node() {
  local n=$1 impl bin
  impl=$(impl_of "$n")
  bin=$(bin_of "$impl")
  [ -n "$bin" ] && [ -x "$bin" ] || die "node $n: no executable for '$impl' (${bin:-unset})"
  [ -z "${PID[$n]:-}" ] || die "node $n: already running (pid ${PID[$n]})"
  echo "=== $(date +%T.%N | cut -c1-12) start $impl" >>"$WORK/$n.log"
  # `ip netns exec` execs the daemon, so $! is the daemon's own PID. START_WRAP (bench/) is a
  # command that in turn execs its arguments.
  ip netns exec "$(ns_of "$n")" "${START_WRAP[@]}" "$bin" -P -n -l -D -G -f "$WORK/$n.conf" \
    -p "$WORK/$n.pid" -r "$WORK/${n}_vrrp.pid" -c "$WORK/${n}_chk.pid" >>"$WORK/$n.log" 2>&1 &
  PID[$n]=$!
  info "node $n: $impl started (pid ${PID[$n]})"
}

alive() { [ -n "${PID[$1]:-}" ] && ours "${PID[$1]}" && ! gone "${PID[$1]}"; }
# ours PID: PID is still a child of this shell (so never a reused PID of someone else's).
ours() { [ "$(ps -o ppid= -p "$1" 2>/dev/null | tr -d ' ')" = "$$" ]; }

# children PID: PIDs whose parent is PID.
children() { ps -o pid= --ppid "$1" 2>/dev/null; }

# kill_node_tree NODE SIGNAL: sends SIGNAL to the daemon's children, then to the daemon itself
# (keepalived's VRRP child would otherwise be told by the dying parent to shut down gracefully,
# which is not a crash), reaps it and waits until its children are gone too (init reaps them;
# keepalived refuses to start while the VRRP child named in its pid file still exists, even as
# a zombie).
kill_node_tree() {
  local n=$1 sig=$2 p=${PID[$1]:-} c kids
  [ -n "$p" ] || return 0
  if ! ours "$p"; then
    PID[$n]=
    return 0
  fi
  kids=$(children "$p")
  for c in $kids; do kill "-$sig" "$c" 2>/dev/null; done
  kill "-$sig" "$p" 2>/dev/null
  wait "$p" 2>/dev/null
  PID[$n]=
  for c in $kids; do
    poll "$WAIT" test ! -e "/proc/$c" || echo "WARNING: node $n: child $c still exists"
  done
}

# stop_node NODE TERM|KILL: KILL crashes the whole node at once; TERM asks the daemon to stop
# (it releases its VIPs and sends priority 0) and waits, bounded, for it to exit.
# Sets STOP_RC to the exit status.
stop_node() {
  local n=$1 sig=$2 p=${PID[$1]:-}
  STOP_RC=
  alive "$n" || { fail "node $n: stop requested but not running"; PID[$n]=; return 1; }
  echo "=== $(date +%T.%N | cut -c1-12) SIG$sig" >>"$WORK/$n.log"
  if [ "$sig" = KILL ]; then
    kill_node_tree "$n" KILL
    return 0
  fi
  kill -TERM "$p"
  if ! poll "$WAIT" gone "$p"; then
    fail "node $n: $(impl_of "$n") (pid $p) still running $WAIT s after SIGTERM"
    kill_node_tree "$n" KILL
    return 1
  fi
  wait "$p" 2>/dev/null
  STOP_RC=$?
  PID[$n]=
  # keepalived's VRRP child exits after its parent is gone; wait for any process still in the
  # node's namespace so the next start does not meet it.
  poll "$WAIT" ns_empty "$n" || fail "node $n: processes left in its namespace after SIGTERM"
}
# gone PID: PID has exited (a zombie counts: it is only waiting for its parent).
gone() {
  local st
  st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
  [ -z "$st" ] || [ "$st" = Z ]
}
ns_empty() { [ -z "$(ip netns pids "$(ns_of "$1")" 2>/dev/null)" ]; }

# vips_on NODE: the VIPs (198.18.100.0/24, 2001:db8:100::/48) on NODE's eth0, space-separated.
vips_on() {
  ip -n "$(ns_of "$1")" -br addr show dev eth0 2>/dev/null \
    | tr ' ' '\n' | grep -E '^(198\.18\.100\.|2001:db8:100::)' | sed 's,/.*,,' | tr '\n' ' '
}
# holds NODE VIP: NODE's eth0 carries VIP.
holds() { vips_on "$1" | tr ' ' '\n' | grep -qxF "$2"; }
# master_of VIP: which nodes hold VIP: "a", "b", "a b" or "none".
master_of() {
  local n out=""
  for n in a b; do holds "$n" "$1" && out="$out $n"; done
  out=${out# }
  echo "${out:-none}"
}
# is_master_of VIP "NODES": master_of VIP is exactly NODES.
is_master_of() { [ "$(master_of "$1")" = "$2" ]; }

# expect_vips DESC SECONDS "VIP=NODES ..." : polls until every VIP is held by exactly NODES
# (a, b, "a b" written a+b, or none), or with NODE* at least by NODE (the other one may still
# carry it, as a crashed node does); passes or fails with the state found and the logs.
# A daemon that exits on its own (fails to start, crashes) ends the test at once: it is fatal.
expect_vips() {
  local desc=$1 limit=$2 spec=$3 n
  poll "$limit" vips_or_death "$spec"
  for n in "${!PID[@]}"; do
    if [ -n "${PID[$n]}" ] && ! alive "$n"; then
      local rc=0
      wait "${PID[$n]}" 2>/dev/null || rc=$?
      echo "FAIL: $desc: node $n: $(impl_of "$n") (pid ${PID[$n]}) exited with status $rc"
      PID[$n]=
      dump_logs
      die "a daemon exited unexpectedly"
    fi
  done
  if vips_are "$spec"; then
    pass "$desc"
    return 0
  fi
  fail "$desc: after $limit s: $(vips_state "$spec")"
  dump_logs
  return 1
}
vips_or_death() {
  local n
  for n in "${!PID[@]}"; do
    [ -z "${PID[$n]}" ] || alive "$n" || return 0
  done
  vips_are "$1"
}
vips_are() {
  local s vip want
  for s in $1; do
    vip=${s%%=*} want=${s#*=}
    if [ "${want%\*}" != "$want" ]; then
      holds "${want%\*}" "$vip" || return 1
      continue
    fi
    is_master_of "$vip" "${want/+/ }" || return 1
  done
}
vips_state() {
  local s out=""
  for s in $1; do out="$out ${s%%=*} on [$(master_of "${s%%=*}")];"; done
  for s in a b; do alive "$s" && out="$out $s running;" || out="$out $s not running;"; done
  echo "${out# }"
}

# expect_running NODE...: each NODE's daemon is still running.
expect_running() {
  local n ok=1
  for n in "$@"; do
    if ! alive "$n"; then
      fail "node $n: $(impl_of "$n") is not running"
      ok=0
    fi
  done
  [ "$ok" = 1 ] && pass "daemons running: $*"
}

dump_logs() {
  local n
  for n in a b; do
    [ -f "$WORK/$n.log" ] || continue
    echo "--- last lines of node $n ($(impl_of "$n")) log:"
    tail -n 25 "$WORK/$n.log" | sed 's/^/    /'
  done
}

# capture_start: the observer captures every VRRP packet on a's bridge port into
# $WORK/wire.pcapng (a's adverts on the way in, b's on the way out to a).
wire_has_zero() {
  [ -n "$(tshark -r "$WORK/wire.pcapng" -Y "eth.src == $(mac_of "$1") && vrrp.prio == 0" \
    -T fields -e frame.number 2>/dev/null)" ]
}
capture_start() {
  command -v dumpcap >/dev/null || die "dumpcap (package tshark) is not installed"
  ip netns exec "$NS_S" dumpcap -q -i pa -f 'ip proto 112 or ip proto 51 or ip6 proto 112' \
    -w "$WORK/wire.pcapng" >"$WORK/dumpcap.log" 2>&1 &
  CAP_PID=$!
  poll "$WAIT" grep -q "Capturing on" "$WORK/dumpcap.log" \
    || die "capture did not start: $(cat "$WORK/dumpcap.log")"
}
# capture_stop [NODE...]: stops the capture. A daemon that exits right after its priority-0
# advert can beat that packet to the capture, so first wait (bounded) until the capture holds a
# priority-0 advert from each NODE given (the last nodes stopped with SIGTERM); check_wire then
# judges what is there.
capture_stop() {
  [ -n "$CAP_PID" ] || return 0
  local n
  for n in "$@"; do
    poll "$WAIT" wire_has_zero "$n" || info "capture: no priority-0 advert from $n yet"
  done
  kill -INT "$CAP_PID" 2>/dev/null
  poll "$WAIT" gone "$CAP_PID" || kill -KILL "$CAP_PID" 2>/dev/null
  wait "$CAP_PID" 2>/dev/null
  CAP_PID=
}

# check_wire VERSION ADVERT_INT FAMILY MODE "VRIDS" [NODE=VRID[,VRID...] ...]
# decodes $WORK/wire.pcapng with tshark and checks, for each node, the adverts it sent:
# decoded as VRRP with vrrp.version VERSION, type 1, VRID among VRIDS, advert interval as
# configured, ip.ttl / ipv6.hlim 255, checksum verified good, sent to 224.0.0.18 / ff02::12
# (MODE multicast) or to the peer (unicast), and no expert info of warning severity or above.
# Each NODE=VRIDs after the VRIDS list must have sent a priority-0 advert (graceful stop) for
# each of those VRIDs.
check_wire() {
  local version=$1 advert=$2 fam=$3 mode=$4 vrids=$5; shift 5
  local f=$WORK/wire.pcapng rows n
  [ -s "$f" ] || { fail "wire: nothing captured"; return 1; }
  # v3 over IPv4 has a pseudo-header checksum; tell the dissector so (it is the default).
  local topts=(-o vrrp.v3_checksum_as_in_v2:FALSE)
  rows=$(tshark -n -r "$f" "${topts[@]}" -Y vrrp -T fields -E separator=';' \
    -e eth.src -e ip.dst -e ipv6.dst -e ip.ttl -e ipv6.hlim -e vrrp.version -e vrrp.type \
    -e vrrp.virt_rtr_id -e vrrp.prio -e vrrp.checksum.status -e vrrp.adver_int \
    -e vrrp.short_adver_int 2>"$WORK/tshark.err") || {
    fail "wire: tshark failed: $(head -3 "$WORK/tshark.err")"
    return 1
  }
  local expert
  expert=$(tshark -n -r "$f" "${topts[@]}" -Y '_ws.expert.severity >= 0x00600000' \
    -T fields -e frame.number -e _ws.expert.message 2>"$WORK/tshark.err") || {
    fail "wire: tshark (expert) failed: $(head -3 "$WORK/tshark.err")"
    return 1
  }
  if [ -n "$expert" ]; then
    fail "wire: expert info of warning severity or above: $expert"
  else
    pass "wire: no tshark expert warnings (checksum, TTL, malformed)"
  fi
  local want_int=$advert
  [ "$version" = 3 ] && want_int=$(awk -v a="$advert" 'BEGIN { printf "%d", a * 100 + 0.5 }')
  for n in a b; do
    local mac dst report
    mac=$(mac_of "$n")
    if [ "$mode" = unicast ]; then
      if [ "$fam" = 6 ]; then dst=$(addr6_of "$(peer_of "$n")"); else dst=$(addr4_of "$(peer_of "$n")"); fi
    else
      if [ "$fam" = 6 ]; then dst=ff02::12; else dst=224.0.0.18; fi
    fi
    report=$(awk -F';' -v mac="$mac" -v fam="$fam" -v ver="$version" -v dst="$dst" \
      -v vrids=" $vrids " -v want_int="$want_int" '
      $1 != mac { next }
      {
        total++
        d = (fam == 6) ? $3 : $2; ttl = (fam == 6) ? $5 : $4
        interval = (ver == 3) ? $12 : $11
        if ($6 != ver) bad["version " $6]++
        if ($7 != 1) bad["type " $7]++
        if (index(vrids, " " $8 " ") == 0) bad["vrid " $8]++
        if (ttl != 255) bad["ttl/hlim " ttl]++
        if ($10 != 1) bad["checksum status " $10]++
        if (d != dst) bad["dst " d]++
        if ($9 != 0 && interval != want_int) bad["advert interval " interval]++
        if ($9 == 0) zero[$8]++
      }
      END {
        printf "%d", total
        for (k in bad) printf ";%s x%d", k, bad[k]
        printf "|"
        for (k in zero) printf " %s", k
      }' <<<"$rows")
    local count=${report%%[;|]*} bads zeros
    bads=${report%%|*}; bads=${bads#"$count"}; bads=${bads#;}
    zeros=${report#*|}
    if [ "$count" -eq 0 ]; then
      fail "wire: node $n ($(impl_of "$n")) sent no VRRP advert that tshark decoded"
    elif [ -n "$bads" ]; then
      fail "wire: node $n ($(impl_of "$n")): $count adverts, wrong: $bads"
    else
      pass "wire: node $n ($(impl_of "$n")): $count adverts, VRRPv$version, TTL/hop limit 255, checksum good, to $dst"
    fi
    WIRE_ZERO[$n]=$zeros
  done
  local spec v missing
  for spec in "$@"; do
    n=${spec%%=*} missing=""
    for v in ${spec#*=}; do
      [[ " ${WIRE_ZERO[$n]} " == *" $v "* ]] || missing="$missing $v"
    done
    if [ -z "$missing" ]; then
      pass "wire: node $n sent priority 0 on graceful stop (VRID${WIRE_ZERO[$n]})"
    else
      fail "wire: node $n sent no priority-0 advert for VRID$missing (seen for:${WIRE_ZERO[$n]:- none})"
    fi
  done
}
declare -A WIRE_ZERO=()

# parse_mode MODE: sets VERSION, ADVERT, FAMILY, CAST and CONF_OPTS from one of
# v2-mcast, v3-mcast, v2-ucast, v3-ucast, v3-mcast6 (v3 advert_int: $V3_ADVERT, default 0.5).
parse_mode() {
  V3_ADVERT=${V3_ADVERT:-0.5}
  case $1 in
    v2-mcast) VERSION=2 ADVERT=1 FAMILY=4 CAST=multicast ;;
    v3-mcast) VERSION=3 ADVERT=$V3_ADVERT FAMILY=4 CAST=multicast ;;
    v2-ucast) VERSION=2 ADVERT=1 FAMILY=4 CAST=unicast ;;
    v3-ucast) VERSION=3 ADVERT=$V3_ADVERT FAMILY=4 CAST=unicast ;;
    v3-mcast6) VERSION=3 ADVERT=$V3_ADVERT FAMILY=6 CAST=multicast ;;
    v2-ah) VERSION=2 ADVERT=1 FAMILY=4 CAST=multicast ;;
    *) die "unknown mode '$1' (v2-mcast v3-mcast v2-ucast v3-ucast v3-mcast6 v2-ah)" ;;
  esac
  CONF_OPTS=(-v "$VERSION" -i "$ADVERT")
  [ "$CAST" = unicast ] && CONF_OPTS+=(-u)
  [ "$FAMILY" = 6 ] && CONF_OPTS+=(-6)
  # v2 instances authenticate with PASS, as many deployed pairs still do; v2-ah with AH.
  if [ "$1" = v2-ah ]; then
    CONF_OPTS+=(-A vigil)
  elif [ "$VERSION" = 2 ]; then
    CONF_OPTS+=(-P vigil)
  fi
  echo "== mode $1: VRRPv$VERSION advert_int $ADVERT IPv$FAMILY $CAST;" \
    "a=$IMPL_A (higher priority) b=$IMPL_B"
}

finish() {
  if [ "$failures" -ne 0 ]; then
    echo "== $failures failure(s)"
    exit 1
  fi
  echo "== all passed"
  exit 0
}
