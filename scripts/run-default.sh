#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vigil's main job on the bundled default configuration, on a fresh Debian 12
# machine (as root): install the dependencies (and the cached VM kernel), build
# vigild (release), check etc/keepalived.conf exactly as `keepalived -t` would
# (for both directors it describes: -i lb1 and -i lb2), then run the
# dual-master LVS-DR lab it describes, step by step (scripts/demo-labs-guest.sh):
# two directors running vigild, two real servers and a sorry server, and a
# client that watches failures, a reload under traffic, a crash and a graceful
# stop. The host kernel has no IPVS, so the lab runs in a throw-away qemu guest
# booted from Debian's kernel (tests/vm/vmrun.sh). The configuration names
# eth0, so the check runs in a throw-away network namespace that has it.
set -euo pipefail
cd "$(dirname "$0")/.."
conf=${1:-etc/keepalived.conf}
./scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target vigild
vigild=$PWD/build/release/daemon/vigild

ns=vigil-run-$$
trap 'ip netns del "$ns" 2>/dev/null || true' EXIT INT TERM
ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" link add eth0 type veth peer name eth1

for id in lb1 lb2; do
  echo "== vigild -t -i $id -f $conf"
  set +e
  ip netns exec "$ns" "$vigild" -t -i "$id" -f "$conf"
  rc=$?
  set -e
  echo "exit status $rc (0: valid; 4: cannot run; 5: errors; 6: script security)"
  [ "$rc" -eq 0 ] || exit "$rc"
done

echo "== booting a guest with IPVS (tests/vm/vmrun.sh) for the dual-master LVS-DR lab"
tests/vm/vmrun.sh -m 1024 -t 600 -- scripts/demo-labs-guest.sh "$vigild" "$PWD/$conf"
