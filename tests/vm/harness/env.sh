#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs in the guest (vm.harness_env): what tests may rely on inside a guest.
# Usage: env.sh EXPECTED_CWD
set -euo pipefail
fail() { echo "harness_env: $*" >&2; exit 1; }
[ "${VIGIL_VM_GUEST:-}" = 1 ] || fail "VIGIL_VM_GUEST is not 1"
[ "$(pwd -P)" = "$(realpath "$1")" ] || fail "cwd is $(pwd -P), not $1"
[ "${VIGIL_VM_TEST_TOKEN:-}" = "a 'quoted' \$value" ] \
  || fail "env var not passed: '${VIGIL_VM_TEST_TOKEN:-}'"
[ "$(id -u)" = 0 ] || fail "not root"
[ "$(hostname)" = vm ] || fail "hostname is $(hostname)"
# No way out: lo is the only network device, and it is up.
[ "$(ls /sys/class/net)" = lo ] || fail "network devices: $(ls /sys/class/net | tr '\n' ' ')"
lo=$(ip -o link show lo)
grep -q '[<,]UP[,>]' <<<"$lo" || fail "lo is down: $lo"
echo x >/tmp/harness_env || fail "/tmp not writable"
[ "$(cat /tmp/harness_env)" = x ] || fail "/tmp lost what was written"
[ "$(cat <(echo fd))" = fd ] || fail "no /dev/fd for <(...)"
# The host's root is writable through the overlay (and discarded at poweroff).
touch /etc/vigil-harness-env || fail "/etc not writable"
# Module autoload: the kernel runs the host's modprobe for a dummy link.
! grep -qw '^dummy' /proc/modules || fail "dummy already loaded"
ip link add vmh0 type dummy || fail "cannot add a dummy link (autoload)"
grep -qw '^dummy' /proc/modules || fail "dummy not autoloaded"
ip link del vmh0
# Namespaces and veth, as the LVS labs use them.
ip netns add h1
ip link add vmh1 type veth peer name vmh2 netns h1
ip addr add 198.18.0.1/30 dev vmh1
ip link set vmh1 up
ip -n h1 addr add 198.18.0.2/30 dev vmh2
ip -n h1 link set vmh2 up
ip -n h1 link set lo up
# (Output captured first: with pipefail, grep -q's early exit can fail the pipe.)
addrs=$(ip netns exec h1 ip -o addr show vmh2) || fail "ip netns exec"
grep -q 198.18.0.2 <<<"$addrs" || fail "netns setup: $addrs"
ip netns del h1
echo "harness_env: ok"
