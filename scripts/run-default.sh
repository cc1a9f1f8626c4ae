#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vigil's main job on the bundled default configuration, on a fresh Debian 12
# machine (as root): install the dependencies, build vigild (release), then
# check etc/keepalived.conf exactly as `keepalived -t` would and print the
# normalized model (`--dump-conf=json`). The configuration names eth0 and eth1,
# so the check runs in a throw-away network namespace that has them; the VRRP
# and IPVS subsystems arrive with later issues (see README).
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
echo "== vigild --dump-conf=json -f $conf"
ip netns exec "$ns" "$vigild" --dump-conf=json -f "$conf"
exit "$rc"
