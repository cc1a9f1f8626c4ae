#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs in the guest (vm.harness_ipvs): the guest kernel has IPVS and the
# host's ipvsadm drives it.
set -euo pipefail
modprobe ip_vs
grep -qw '^ip_vs' /proc/modules
ipvsadm -A -t 198.18.0.1:80 -s rr
ipvsadm -a -t 198.18.0.1:80 -r 198.18.1.1:80 -m
saved=$(ipvsadm -Sn)
echo "$saved"
grep -qx -- '-A -t 198.18.0.1:80 -s rr' <<<"$saved"
grep -qx -- '-a -t 198.18.0.1:80 -r 198.18.1.1:80 -m -w 1' <<<"$saved"
echo "harness_ipvs: ok"
