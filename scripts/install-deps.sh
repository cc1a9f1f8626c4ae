#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs everything vigil needs to build and test on Debian 12. Idempotent:
# packages already present are left as they are, and apt's lists are only
# refreshed when something is missing.
set -euo pipefail
pkgs=(
  build-essential cmake ninja-build pkg-config g++ git
  libnl-3-dev libnl-genl-3-dev libnl-route-3-dev
  libssl-dev libcurl4-openssl-dev libboost1.81-dev
  catch2 nlohmann-json3-dev libfmt-dev libsystemd-dev
  clang libclang-rt-14-dev clang-format
  iproute2 keepalived ipvsadm time
  # VRRP integration tests (tests/integration/vrrp): capture and decode adverts.
  tshark
  # Health-check lab and bench (tests/vm/hc, bench/hc_bench.sh): the client's
  # requests, and the local server behind 10,000 real servers.
  curl python3
  # Metrics tests (tests/unit/control): the reference Prometheus/OpenMetrics parsers.
  python3-prometheus-client
  # VM tests (tests/vm): qemu boots Debian's kernel; kmod gives depmod on the
  # host and modprobe in the guest (which runs the host's root); cpio, xz and
  # zstd build the initramfs and unpack the kernel.
  qemu-system-x86 kmod cpio xz-utils zstd
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# keepalived is installed only as a reference binary for compatibility tests
# and benchmarks; its packaged service must never run on a test machine.
if command -v systemctl >/dev/null 2>&1; then
  systemctl disable --now keepalived >/dev/null 2>&1 || true
fi
# One-time VM setup (kernel, busybox, initramfs) into the VM cache; a no-op
# when the cache is current.
"$(dirname "$0")/../tests/vm/setup.sh"
echo "install-deps: ok"
