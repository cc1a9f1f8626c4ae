#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Downloads a Debian kernel package and busybox-static with `apt-get download`
# and unpacks them into OUTDIR without installing either (busybox-static would
# replace the host's busybox). Called by setup.sh, which picks the package.
#
# Usage: fetch-kernel.sh KERNEL_PACKAGE OUTDIR
# Result in OUTDIR (which must not exist yet):
#   vmlinuz            the package's bzImage
#   vmlinux            the same kernel as an ELF, booted directly by qemu through
#                      its PVH entry (skips the in-guest decompressor, ~3 s of
#                      TCG per boot); absent if it cannot be extracted
#   config, kver       the kernel's config and version
#   lib/modules/KVER/  its modules, depmod'ed (the package ships no modules.dep)
#   busybox            a static busybox for the initramfs
set -euo pipefail
die() { echo "fetch-kernel: $*" >&2; exit 1; }
[ $# -eq 2 ] || die "usage: fetch-kernel.sh KERNEL_PACKAGE OUTDIR"
pkg=$1 out=$2
kver=${pkg#linux-image-}
[ "$kver" != "$pkg" ] || die "not a kernel image package: $pkg"
[ ! -e "$out" ] || die "$out already exists"
for t in apt-get dpkg-deb depmod xz zstd; do
  command -v "$t" >/dev/null || die "$t not found (run scripts/install-deps.sh)"
done

mkdir -p "$out/debs"
# apt drops privileges to _apt for downloads; let it write there.
if id _apt >/dev/null 2>&1; then chown _apt "$out/debs"; fi
(cd "$out/debs" && apt-get download -q "$pkg" busybox-static) \
  || die "apt-get download $pkg busybox-static failed"

mkdir "$out/pkg" "$out/bbs"
dpkg-deb -x "$out/debs/${pkg}"_*.deb "$out/pkg"
dpkg-deb -x "$out/debs"/busybox-static_*.deb "$out/bbs"
cp "$out/pkg/boot/vmlinuz-$kver" "$out/vmlinuz"
cp "$out/pkg/boot/config-$kver" "$out/config"
mods=$out/pkg/lib/modules/$kver
[ -d "$mods" ] || mods=$out/pkg/usr/lib/modules/$kver
[ -d "$mods" ] || die "no modules directory in $pkg"
mkdir -p "$out/lib/modules"
mv "$mods" "$out/lib/modules/$kver"
cp "$out/bbs/bin/busybox" "$out/busybox"
rm -rf "$out/pkg" "$out/bbs" "$out/debs"
depmod -b "$out" "$kver"
modprobe -d "$out" -S "$kver" --show-depends ip_vs >/dev/null \
  || die "$pkg has no ip_vs module"

# Find the compressed payload inside the bzImage by its magic and unpack it.
# (Bash strings cannot hold NUL, so the magics are NUL-free prefixes; the data
# after the payload makes the decompressor complain, hence the || true.)
extract_vmlinux() {  # $1 = bzImage, $2 = output ELF
  local magics=($'\xfd7zXZ' $'(\xb5/\xfd' $'\x1f\x8b\x08') tools=("xz -dc" "zstd -dc" "gzip -dc")
  local i off
  for i in 0 1 2; do
    for off in $(LC_ALL=C grep -abo "${magics[$i]}" "$1" | cut -d: -f1); do
      tail -c +$((off + 1)) "$1" | ${tools[$i]} >"$2" 2>/dev/null || true
      if [ "$(head -c 4 "$2")" = $'\x7fELF' ]; then return 0; fi
    done
  done
  rm -f "$2"
  return 1
}
if grep -qx 'CONFIG_PVH=y' "$out/config"; then
  extract_vmlinux "$out/vmlinuz" "$out/vmlinux" \
    || echo "fetch-kernel: cannot extract vmlinux, guests will boot the bzImage (slower)" >&2
fi
echo "$kver" >"$out/kver"
