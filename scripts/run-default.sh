#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vigil's main job on the bundled default configuration, on a fresh Debian 12
# machine (as root): install the dependencies (and the cached VM kernel), build
# vigild (release), check etc/keepalived.conf exactly as `keepalived -t` would,
# then program its virtual servers into IPVS with `vigild -C` and let its
# HTTP_GET checks take a real server out and back in (an LVS-DR lab of network
# namespaces with the configuration's addresses). The host kernel has no IPVS,
# so that part runs in a throw-away qemu guest booted from Debian's kernel
# (tests/vm/vmrun.sh, scripts/demo-ipvs-guest.sh). The configuration names eth0 and eth1,
# so the check runs in a throw-away network namespace that has them. VRRP then
# runs on the host between two throw-away namespaces: vigild as one director,
# Debian's keepalived as the other (scripts/demo-vrrp.sh).
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

echo "== vigild -t -f $conf"
set +e
ip netns exec "$ns" "$vigild" -t -f "$conf"
rc=$?
set -e
echo "exit status $rc (0: valid; 4: cannot run; 5: errors; 6: script security)"
[ "$rc" -eq 0 ] || exit "$rc"

echo "== VRRP: vigild and keepalived as a director pair (scripts/demo-vrrp.sh)"
./scripts/demo-vrrp.sh "$vigild" "$conf"

echo "== booting a guest with IPVS (tests/vm/vmrun.sh)"
tests/vm/vmrun.sh -m 768 -t 300 -- scripts/demo-ipvs-guest.sh "$vigild" "$PWD/$conf"
