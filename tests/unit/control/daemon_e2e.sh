#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The real daemon end to end: vigild -P (the VRRP half, which runs on any host)
# in a network namespace made here, with --control-socket and --metrics-listen.
# Checks `vigild status` (text and JSON), `vigild reload --dry-run` on a good
# and a broken configuration, a rejected SIGHUP counted in the status, the
# metrics endpoint parsed by the reference client, the socket's mode, its
# removal at stop, and the replacement of a stale socket after a crash.
# Usage: daemon_e2e.sh VIGILD. Needs root (exit 77 otherwise).
set -uo pipefail
VIGILD=${1:?usage: daemon_e2e.sh VIGILD}
HERE=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (network namespaces)"; exit 77; }

NS=vigil-ctl-$$
WORK=$(mktemp -d /tmp/vigil-ctl-e2e.XXXXXX)
SOCK=$WORK/ctl.sock
PID=
FAILS=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
cleanup() {
  if [ -n "$PID" ] && [ -e "/proc/$PID" ]; then kill -KILL "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; fi
  ip netns del "$NS" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
# poll SECONDS CMD...: runs CMD every 0.1 s until it succeeds or SECONDS pass.
poll() {
  local end=$((SECONDS + $1)); shift
  until "$@"; do
    [ "$SECONDS" -lt "$end" ] || return 1
    sleep 0.1
  done
}

ip netns add "$NS" || exit 1
ip -n "$NS" link set lo up
ip -n "$NS" link add eth0 type veth peer name eth1 || exit 1
ip -n "$NS" link set eth1 up
ip -n "$NS" addr add 198.18.7.1/24 dev eth0
ip -n "$NS" link set eth0 up

cat >"$WORK/good.conf" <<'CONF'
vrrp_instance VI_CTL {
  state MASTER
  interface eth0
  virtual_router_id 77
  priority 150
  advert_int 1
  virtual_ipaddress {
    198.18.7.100/32
  }
}
CONF
cp "$WORK/good.conf" "$WORK/vigild.conf"

start() {
  ip netns exec "$NS" "$VIGILD" -P -n -l -G -f "$WORK/vigild.conf" -p "$WORK/v.pid" \
    -r "$WORK/v_vrrp.pid" -c "$WORK/v_chk.pid" --control-socket="$SOCK" \
    --metrics-listen=127.0.0.1:9650 >>"$WORK/vigild.log" 2>&1 &
  PID=$!
}
answers() { "$VIGILD" status --socket "$SOCK" --timeout 2 >/dev/null 2>&1; }

start
if poll 10 answers; then pass "vigild status answers"; else { fail "no answer on $SOCK"; cat "$WORK/vigild.log"; exit 1; }; fi
mode=$(stat -c '%a %U %F' "$SOCK")
if [ "$mode" = "600 root socket" ]; then pass "socket is 0600 root"; else fail "socket: $mode"; fi

"$VIGILD" status --socket "$SOCK" >"$WORK/status.txt"; rc=$?
if [ $rc = 0 ] && grep -q "^Daemon" "$WORK/status.txt" && grep -q "pid  *$PID\$" "$WORK/status.txt"; then pass "status (text) shows the daemon"; else fail "status text rc=$rc: $(cat "$WORK/status.txt")"; fi

"$VIGILD" status --json --socket "$SOCK" >"$WORK/status.json"; rc=$?
# check_json FAILED [APPLIED]: status.json's daemon section, with FAILED rejected reloads (and
# APPLIED reloads, when given).
check_json() {
  /usr/bin/python3 - "$WORK/status.json" "$PID" "$WORK/vigild.conf" "$1" "${2:-}" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
d = j["daemon"]
assert d["pid"] == int(sys.argv[2]), d
assert d["config_file"] == sys.argv[3], d
assert d["vrrp"] is True and d["ipvs"] is False, d
assert d["reloads_failed"] == int(sys.argv[4]), d
assert sys.argv[5] == "" or d["reloads"] == int(sys.argv[5]), d
assert d["uptime_seconds"] >= 0, d
assert isinstance(j["vrrp"], list) and isinstance(j["virtual_servers"], list)
PY
}
if [ $rc = 0 ] && check_json 0; then pass "status --json: daemon section"; else fail "status --json rc=$rc"; fi

"$VIGILD" reload --dry-run --socket "$SOCK" >"$WORK/preview.out" 2>&1; rc=$?
if [ $rc = 0 ]; then pass "reload --dry-run on the running config: exit 0"; else fail "reload --dry-run rc=$rc: $(cat "$WORK/preview.out")"; fi

printf 'vrrp_instance VI_CTL {\n  state MASTER\n  interface eth0\n  virtual_router_id 300\n  priority 150\n}\n' >"$WORK/vigild.conf"
"$VIGILD" reload --dry-run --socket "$SOCK" >"$WORK/preview.out" 2>"$WORK/preview.err"; rc=$?
if [ $rc = 1 ] && grep -q "^$WORK/vigild.conf:4:[0-9]*: error: " "$WORK/preview.err"; then pass "reload --dry-run on a broken config: exit 1 with file:line:col"; else fail "broken preview rc=$rc: $(cat "$WORK/preview.err")"; fi

kill -HUP "$PID"
rejected() { "$VIGILD" status --json --socket "$SOCK" >"$WORK/status.json" 2>/dev/null && check_json 1 2>/dev/null; }
if poll 10 rejected; then pass "a rejected SIGHUP shows as reloads_failed 1"; else fail "reloads_failed not 1"; fi
cp "$WORK/good.conf" "$WORK/vigild.conf"

# Six previews at once with a SIGHUP among them: the daemon reads the file on one worker
# thread at a time, and every one of them, and the reload, is served.
pids=()
for i in 1 2 3 4 5 6; do
  "$VIGILD" reload --dry-run --socket "$SOCK" >"$WORK/burst$i.out" 2>&1 &
  pids+=($!)
  [ "$i" != 3 ] || kill -HUP "$PID"
done
ok=0
for p in "${pids[@]}"; do wait "$p" && ok=$((ok + 1)); done
if [ "$ok" = 6 ]; then pass "6 previews at once, with a SIGHUP among them: all answered"; else fail "only $ok of 6 previews answered: $(cat "$WORK"/burst*.out)"; fi
reloaded() { "$VIGILD" status --json --socket "$SOCK" >"$WORK/status.json" 2>/dev/null && check_json 1 1 2>/dev/null; }
if poll 10 reloaded; then pass "the SIGHUP among the previews reloaded (reloads 1)"; else fail "reloads is not 1 after the SIGHUP among the previews"; fi

ip netns exec "$NS" curl -sf -H 'Accept: application/openmetrics-text' http://127.0.0.1:9650/metrics >"$WORK/metrics.om"; rc=$?
if [ $rc = 0 ] && tail -1 "$WORK/metrics.om" | grep -qx '# EOF' && grep -q '^vigil_reload_failures_total 1$' "$WORK/metrics.om" && /usr/bin/python3 "$HERE/check_metrics.py" om "$WORK/metrics.om" >/dev/null; then pass "metrics (OpenMetrics) served and parsed"; else fail "metrics rc=$rc"; fi
code=$(ip netns exec "$NS" curl -s -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:9650/metrics)
if [ "$code" = 405 ]; then pass "POST /metrics: 405"; else fail "POST /metrics: $code"; fi

kill -TERM "$PID"; wait "$PID"; rc=$?; PID=
if [ $rc = 0 ]; then pass "SIGTERM: exit 0"; else fail "SIGTERM: exit $rc"; fi
if [ ! -e "$SOCK" ]; then pass "socket removed at stop"; else fail "socket left at stop"; fi
"$VIGILD" status --socket "$SOCK" >/dev/null 2>&1; rc=$?
if [ $rc = 3 ]; then pass "status with no daemon: exit 3"; else fail "status with no daemon: exit $rc"; fi

start
poll 10 answers || fail "restart: no answer"
kill -KILL "$PID"; wait "$PID" 2>/dev/null; PID=
if [ -S "$SOCK" ]; then pass "a killed daemon leaves its socket"; else fail "no socket after SIGKILL"; fi
"$VIGILD" status --socket "$SOCK" >/dev/null 2>"$WORK/stale.err"; rc=$?
if [ $rc = 3 ] && grep -q "stale" "$WORK/stale.err"; then pass "stale socket: exit 3, says stale"; else fail "stale: rc=$rc $(cat "$WORK/stale.err")"; fi
start
if poll 10 answers; then pass "the next daemon replaces the stale socket"; else fail "stale socket not replaced"; fi
kill -TERM "$PID"; wait "$PID"; PID=

[ "$FAILS" = 0 ] || { echo "--- vigild.log"; cat "$WORK/vigild.log"; echo "$FAILS failure(s)"; exit 1; }
echo "all passed"
