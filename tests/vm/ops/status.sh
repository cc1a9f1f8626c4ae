#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The state and metrics surfaces against a real IPVS kernel (the LVS-DR lab of
# tests/vm/hc/lib.sh): vigild (both halves: a lone vrrp_instance that becomes
# MASTER, and one virtual server with an HTTP_GET and a TCP_CHECK real server)
# is asked, through its control socket and its metrics endpoint, what it runs:
#   1. `vigild status --json`: the instance is MASTER with its VIP, both real
#      servers alive in the kernel at weight 1 with their checks' runs and
#      latencies, and the client's requests counted in the kernel's counters;
#   2. `vigild status` (text) names the same;
#   3. GET /metrics: the VRRP state, the checks and the IPVS counters, parsed;
#   4. `vigild reload --dry-run` after an edit (rs2's weight 1 -> 3) prints the
#      ipvsadm edit and changes nothing; the SIGHUP then applies exactly that;
#   5. a broken configuration: the dry run exits 1 with file:line:col, and a
#      SIGHUP leaves the kernel table and the addresses exactly as they were.
# Usage (inside a guest): status.sh VIGILD
# shellcheck source=tests/vm/hc/lib.sh
. "$(dirname "$0")/../hc/lib.sh" || exit 1
[ $# -eq 1 ] || die "usage: $0 VIGILD"
VIGILD=$1
# Read by lib.sh's expect(): the daemon's name in messages, and seconds a change may take.
export FLAVOUR=vigild BOUND=${OPS_BOUND:-40}
SOCK=$LAB_DIR/vigild.sock
METRICS=127.0.0.1:9650

lab_setup
for n in rs1 rs2; do web_start "$n"; done
# The lab puts the VIP on the director itself; here VRRP owns it.
nsx director ip addr del "$LAB_VIP/32" dev eth0 || die "cannot remove the lab's VIP"

CONF=$LAB_DIR/ops.conf
write_conf() { # write_conf RS2_WEIGHT
  cat >"$CONF" <<CONF
global_defs {
  router_id opslab
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 61
  priority 150
  advert_int 1
  virtual_ipaddress {
    $LAB_VIP/32 dev eth0
  }
}
virtual_server $LAB_VIP 80 {
  delay_loop 1
  lvs_sched wrr
  lvs_method DR
  protocol TCP
  real_server ${LAB_IP[rs1]} 80 {
    weight 1
    HTTP_GET {
      url {
        path /
        status_code 200
      }
      connect_timeout 2
      retry 1
      delay_before_retry 1
    }
  }
  real_server ${LAB_IP[rs2]} 80 {
    weight $1
    TCP_CHECK {
      connect_timeout 2
      retry 1
      delay_before_retry 1
    }
  }
}
CONF
}
write_conf 1

DAEMON_LOG=$LAB_DIR/daemon.log
ip netns exec hc-director "$VIGILD" -n -l -D -G -f "$CONF" -p "$LAB_DIR/d.pid" \
  -r "$LAB_DIR/d_vrrp.pid" -c "$LAB_DIR/d_checkers.pid" --control-socket="$SOCK" \
  --metrics-listen="$METRICS" >"$DAEMON_LOG" 2>&1 &
DPID=$!
say "started vigild, pid $DPID"

status_json() { ip netns exec hc-director "$VIGILD" status --json --socket "$SOCK"; }
# jq-free checks: python reads the JSON on stdin and runs the expression given.
json_true() { # json_true PYEXPR: status --json satisfies PYEXPR (s is the parsed state)
  status_json | python3 -c "import json,sys; s=json.load(sys.stdin); sys.exit(0 if ($1) else 1)"
}
master='any(i["name"]=="VI_1" and i["state"]=="MASTER" for i in s["vrrp"])'
expect "VI_1 is MASTER (status --json)" json_true "$master"
expect "the VIP is on the director" nsx director ip -4 -o addr show dev eth0 to "$LAB_VIP/32"
expect "both real servers in the table" state rs1 rs2
both_serve

say "-- 1. status --json"
rs_ok='all(r["alive"] and r["kernel_weight"]==1 and r["checks"] and all(c["up"] and c["runs"]>=1 and c["last_latency_ms"] is not None for c in r["checks"]) for r in s["virtual_servers"][0]["real_servers"]) and len(s["virtual_servers"][0]["real_servers"])==2'
expect "both real servers alive at weight 1, with checks that ran and have a latency" json_true "$rs_ok"
counted='s["virtual_servers"][0]["counters"]["conns"]>=2 and s["virtual_servers"][0]["counters"]["inpkts"]>0'
expect "the client's connections are in the kernel's counters" json_true "$counted"
status_json | python3 -c '
import json, sys
s = json.load(sys.stdin)
vs = s["virtual_servers"][0]
kinds = sorted(c["kind"] for r in vs["real_servers"] for c in r["checks"])
assert kinds == ["HTTP_GET", "TCP_CHECK"], kinds
assert vs["scheduler"] == "wrr" and vs["method"] == "DR", vs
assert s["daemon"]["vrrp"] and s["daemon"]["ipvs"], s["daemon"]
' || die "status --json does not describe the running configuration: $(status_json)"
say "ok: status --json shows the instance, both real servers, their checks and the counters"

say "-- 2. status (text)"
text=$(ip netns exec hc-director "$VIGILD" status --socket "$SOCK") || die "vigild status failed"
for want in VI_1 MASTER "$LAB_VIP" "${LAB_IP[rs1]}" "${LAB_IP[rs2]}" HTTP_GET TCP_CHECK; do
  grep -qF -- "$want" <<<"$text" || die "vigild status does not mention $want:
$text"
done
say "ok: vigild status names the instance, the servers and the checks"

say "-- 3. metrics"
nsx director curl -s --max-time 10 -o "$LAB_DIR/metrics.txt" "http://$METRICS/metrics" \
  || die "GET /metrics failed"
python3 - "$LAB_DIR/metrics.txt" <<'PY' || die "the metrics do not describe the lab:
$(head -c 3000 "$LAB_DIR/metrics.txt")"
import re, sys
text = open(sys.argv[1]).read()
def value(name, **labels):
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        m = re.match(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)', line)
        if not m or m.group(1) != name:
            continue
        got = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(3) or ""))
        if all(got.get(k) == v for k, v in labels.items()):
            return float(m.group(4))
    return None
assert value("vigil_vrrp_state", instance="VI_1", state="MASTER") == 1, "VRRP state"
assert (value("vigil_vrrp_adverts_sent_total", instance="VI_1") or 0) > 0, "adverts sent"
assert value("vigil_check_up") == 1, "check up"
assert (value("vigil_check_runs_total") or 0) >= 1, "check runs"
assert value("vigil_check_last_duration_seconds") is not None, "check duration"
assert (value("vigil_virtual_server_connections_total") or 0) >= 2, "IPVS connections"
assert value("vigil_real_server_alive") == 1, "real server alive"
PY
say "ok: /metrics has the VRRP state, the checks and the IPVS counters"

say "-- 4. reload --dry-run, then the reload"
table_before=$(ipvs_table)
write_conf 3
preview=$(ip netns exec hc-director "$VIGILD" reload --dry-run --socket "$SOCK") \
  || die "reload --dry-run failed: $preview"
say "preview:"
sed 's/^/    | /' <<<"$preview"
grep -qE -- "-e -t $LAB_VIP:80 -r ${LAB_IP[rs2]}:80 .*-w 3" <<<"$preview" \
  || die "the preview does not show rs2's new weight"
grep -qE "VI_1.*unchanged" <<<"$preview" || die "the preview does not keep VI_1"
[ "$(ipvs_table)" = "$table_before" ] || die "the dry run changed the table"
kill -HUP "$DPID"
weight3() { ipvs_table | grep -qE -- "-> ${LAB_IP[rs2]}:80 +Route +3 "; }
expect "rs2 at weight 3 after the reload" weight3
json_true "$master" || die "VI_1 left MASTER on a reload that did not change it"
say "ok: the reload applied what the dry run said"

say "-- 5. a broken configuration changes nothing"
table_before=$(nsx director ipvsadm -Ln)
addrs_before=$(nsx director ip -o addr show)
printf 'virtual_server %s 80 {\n  lb_algo nosuch\n' "$LAB_VIP" >>"$CONF"
out=$(ip netns exec hc-director "$VIGILD" reload --dry-run --socket "$SOCK" 2>&1)
rc=$?
[ "$rc" = 1 ] || die "reload --dry-run of a broken configuration: exit $rc, expected 1: $out"
grep -qE "^$CONF:[0-9]+:[0-9]+: error" <<<"$out" || die "no file:line:col error in: $out"
kill -HUP "$DPID"
rejected() { grep -q "reload rejected" "$DAEMON_LOG"; }
expect "the daemon rejects the broken configuration" rejected
grep -qE "$CONF:[0-9]+:[0-9]+: error" "$DAEMON_LOG" || die "the log has no file:line:col error"
# The checks go on after the rejected reload: wait until both have run twice more, then
# compare (a flap in between would also show in the checks' runs and verdicts).
runs() {
  status_json | python3 -c 'import json,sys; s=json.load(sys.stdin); print(min(c["runs"] for r in s["virtual_servers"][0]["real_servers"] for c in r["checks"]))'
}
runs_then=$(runs) || die "status --json failed after the rejected reload"
ran_twice_more() { [ "$(runs)" -ge $((runs_then + 2)) ]; }
expect "the checks ran twice more after the rejected reload" ran_twice_more
[ "$(nsx director ipvsadm -Ln)" = "$table_before" ] || die "the table changed after the rejected reload"
[ "$(nsx director ip -o addr show)" = "$addrs_before" ] \
  || die "the addresses changed after the rejected reload"
json_true "$master" || die "VI_1 left MASTER after the rejected reload"
say "ok: the rejected reload left the table, the addresses and VRRP as they were"

kill -TERM "$DPID"
gone() { ! alive; }
poll 30 gone || die "vigild (pid $DPID) did not exit within 30 s of SIGTERM"
wait "$DPID"
rc=$?
[ "$rc" = 0 ] || die "vigild exited $rc"
[ ! -e "$SOCK" ] || die "the control socket is left after the stop"
say "PASS: status, metrics and reload preview against a real kernel"
