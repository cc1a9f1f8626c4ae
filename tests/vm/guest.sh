# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Helpers for the scripts that run inside a tests/vm guest and build labs of network
# namespaces (sourced by tests/vm/hc/lib.sh and tests/vm/labs/lib.sh): timestamped messages,
# failure with the lab's diagnostics, bounded polls, running a command in a lab namespace, and
# the static busybox the guest provides. The sourcing library sets NS_PREFIX (its namespaces'
# name prefix) and defines lab_diagnostics.

T0=$SECONDS
say() { printf '[%4ds] %s\n' $((SECONDS - T0)) "$*"; }
die() {
  say "FAIL: $*"
  lab_diagnostics
  exit 1
}

# poll SECONDS CMD...: runs CMD every 0.2 s until it succeeds or SECONDS pass.
poll() {
  local limit=$1
  shift
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# nsx NODE CMD...: runs CMD in NODE's namespace (${NS_PREFIX}NODE).
nsx() {
  local n=$1
  shift
  ip netns exec "$NS_PREFIX$n" "$@"
}

# busybox httpd forks one short-lived child per request: much lighter under TCG than a
# python server. The guest's init leaves a static busybox in /run/vmrun.
BUSYBOX=/run/vmrun/busybox
[ -x "$BUSYBOX" ] || BUSYBOX=$(command -v busybox || echo busybox)
