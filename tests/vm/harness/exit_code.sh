#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs on the host (vm.harness_exit_code): vmrun.sh reports the guest
# command's exit status, a timeout as 124 and a guest that dies as 125, and a
# -w directory is written through to the host.
set -uo pipefail
cd "$(dirname "$0")/../../.." || exit 1
vmrun=tests/vm/vmrun.sh
failed=0
expect() { # expect STATUS WHAT CMD...
  local want=$1 what=$2 got start=$SECONDS
  shift 2
  "$@"
  got=$?
  if [ "$got" = "$want" ]; then
    echo "harness_exit_code: ok: $what -> $got ($((SECONDS - start)) s)"
  else
    echo "harness_exit_code: FAILED: $what -> $got, expected $want" >&2
    failed=1
  fi
}
expect 7 "exit 7" $vmrun -- sh -c 'exit 7'
expect 0 "exit 0" $vmrun -- true
expect 124 "-t 5 sleep 100" $vmrun -t 5 -- sleep 100
expect 125 "a guest kernel without init" env VIGIL_VM_APPEND=rdinit=/nonexistent $vmrun -- true

dir=$(mktemp -d "${TMPDIR:-/tmp}/vigil-harness.XXXXXX")
trap 'rm -rf "$dir"' EXIT
expect 0 "-w DIR" $vmrun -w "$dir" -- sh -c "echo from-guest >'$dir/out'"
if [ "$(cat "$dir/out" 2>/dev/null)" != from-guest ]; then
  echo "harness_exit_code: FAILED: the guest's write to $dir/out is not on the host" >&2
  failed=1
fi
exit $failed
