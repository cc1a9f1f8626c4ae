#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# One-time setup of the VM test cache ($VIGIL_VM_CACHE, default
# /var/cache/vigil-vm; see common.sh for its layout): Debian's kernel and
# busybox-static, unpacked (fetch-kernel.sh), and the initramfs (mkinitrd.sh).
# Idempotent and quick when the cache is current. Run as root.
#
# Usage: setup.sh [--no-refresh | --check]
#   (none)        make the cache current: the kernel package is the one that
#                 linux-image-amd64 depends on now (never a hard-coded version),
#                 re-fetched when that changes or fetch-kernel.sh changes; the
#                 initramfs is rebuilt when the kernel or mkinitrd.sh changes
#   --no-refresh  the same, but keep a complete kernel even if apt now names a
#                 newer one (vmrun.sh uses this, so tests do not query apt)
#   --check       exit 0 if the cache is complete and current, 1 if not; changes
#                 nothing
set -euo pipefail
# shellcheck source=tests/vm/common.sh
. "$(dirname "$(realpath "$0")")/common.sh"
die() { echo "vm-setup: $*" >&2; exit 1; }

mode=refresh
case ${1:-} in
  "") ;;
  --no-refresh) mode=no-refresh ;;
  --check) if vm_cache_current; then exit 0; else exit 1; fi ;;
  *) die "usage: setup.sh [--no-refresh | --check]" ;;
esac
[ $# -le 1 ] || die "usage: setup.sh [--no-refresh | --check]"

mkdir -p "$VM_CACHE" || die "cannot create $VM_CACHE (set VIGIL_VM_CACHE?)"
# Exclusive against other setups and against running guests (vmrun.sh holds
# the lock shared while its guest uses the cache).
exec 9>"$VM_CACHE/.lock"
flock -w 900 9 || die "$VM_CACHE/.lock still held after 900 s"
start=$SECONDS
k=$VM_CACHE/kernel

# The real image package that the linux-image-amd64 metapackage depends on.
resolve_pkg() {
  apt-cache depends linux-image-amd64 2>/dev/null \
    | awk '/Depends: linux-image-[0-9]/ && !p {p = $2} END {print p}'
}
have_pkg=
if vm_kernel_current; then have_pkg=$(sed -n 's/^pkg=//p' "$k/stamp"); fi

pkg=
if [ -z "$have_pkg" ] || [ $mode = refresh ]; then
  pkg=$(resolve_pkg)
  if [ -z "$pkg" ] && [ -z "$have_pkg" ]; then
    echo "vm-setup: apt does not know linux-image-amd64, running apt-get update" >&2
    apt-get update -qq || die "apt-get update failed"
    pkg=$(resolve_pkg)
    [ -n "$pkg" ] || die "cannot resolve the kernel package that linux-image-amd64 depends on"
  elif [ -z "$pkg" ]; then
    echo "vm-setup: apt does not know linux-image-amd64; keeping $have_pkg" >&2
  fi
fi

if [ -n "$pkg" ] && [ "$pkg" != "$have_pkg" ]; then
  echo "vm-setup: fetching $pkg into $k" >&2
  rm -rf "$VM_CACHE"/kernel.new.* "$VM_CACHE/kernel.old"
  new=$VM_CACHE/kernel.new.$$
  if ! "$VM_DIR/fetch-kernel.sh" "$pkg" "$new"; then
    # apt's lists may name a version the mirror has dropped: refresh, retry.
    echo "vm-setup: retrying after apt-get update" >&2
    rm -rf "$new"
    apt-get update -qq || die "apt-get update failed"
    pkg=$(resolve_pkg)
    [ -n "$pkg" ] || die "cannot resolve the kernel package that linux-image-amd64 depends on"
    "$VM_DIR/fetch-kernel.sh" "$pkg" "$new" || { rm -rf "$new"; die "cannot fetch $pkg"; }
  fi
  printf 'pkg=%s\nscript=%s\n' "$pkg" "$(vm_kernel_script_hash)" >"$new/stamp"
  if [ -e "$k" ]; then mv "$k" "$VM_CACHE/kernel.old"; fi
  mv "$new" "$k"
  rm -rf "$VM_CACHE/kernel.old"
fi

if [ ! -s "$VM_CACHE/initrd.gz" ] || [ ! -s "$VM_CACHE/initrd.stamp" ] \
  || [ "$(cat "$VM_CACHE/initrd.stamp")" != "$(vm_initrd_key)" ]; then
  echo "vm-setup: building the initramfs" >&2
  "$VM_DIR/mkinitrd.sh" "$k" "$VM_CACHE/initrd.gz" || die "mkinitrd.sh failed"
  vm_initrd_key >"$VM_CACHE/initrd.stamp"
fi

vm_cache_current || die "the cache is still incomplete after setup (bug)"
echo "vm-setup: kernel $(cat "$k/kver") ready in $VM_CACHE ($((SECONDS - start)) s)"
