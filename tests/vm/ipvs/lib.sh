# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for the IPVS VM tests (sourced; runs inside the guest as root).
set -u  # no pipefail: `cmd | grep -q` would fail when grep exits first

failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
die() { echo "FATAL: $*"; exit 1; }

# poll SECONDS CMD...: runs CMD every 0.2 s until it succeeds or SECONDS pass.
poll() {
  local limit=$1; shift
  local deadline=$((SECONDS + limit))
  while ! "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# The guest starts with lo down and no interfaces; IPVS refuses destinations
# while lo is down. eth0 (a dummy) is for lvs_sync_daemon.
guest_setup() {
  [ "${VIGIL_VM_GUEST:-}" = 1 ] || die "this test must run inside a VM guest (tests/vm/vmrun.sh)"
  ip link set lo up || die "cannot bring lo up"
  modprobe ip_vs || die "modprobe ip_vs failed"
  ip link add eth0 type dummy 2>/dev/null || true
  ip link set eth0 up
  ip addr add 198.18.255.1/24 dev eth0 2>/dev/null || true
}

# Rules as ipvsadm -Sn prints them, one per line, order-independent.
sorted_rules() { grep -E '^-[Aa] ' | sort; }
kernel_rules() { ipvsadm -Sn | sorted_rules; }

# start_vigild LOG ARGS...: starts vigild -C in the foreground mode in the
# background, logging to LOG; sets VPID.
start_vigild() {
  local log=$1; shift
  "$VIGILD" -C -n -l -G --ipvs-resync=1 "$@" >"$log" 2>&1 &
  VPID=$!
}

# stop_vigild: SIGTERM and wait (bounded) for our vigild to exit.
stop_vigild() {
  [ -n "${VPID:-}" ] || return 0
  kill -TERM "$VPID" 2>/dev/null || true
  local i
  for i in $(seq 1 150); do
    kill -0 "$VPID" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$VPID" 2>/dev/null; then
    kill -KILL "$VPID" 2>/dev/null || true
    fail "vigild (pid $VPID) did not stop within 30 s of SIGTERM"
  fi
  wait "$VPID" 2>/dev/null
  VPID_RC=$?
  VPID=
}

# log_has LOG PATTERN: grep -E in the log.
log_has() { grep -qE "$2" "$1"; }

finish() {
  if [ "$failures" -ne 0 ]; then
    echo "== $failures failure(s)"
    exit 1
  fi
  echo "== all passed"
  exit 0
}
