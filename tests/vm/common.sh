# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Sourced by setup.sh and vmrun.sh: where the VM cache lives and how its
# contents are keyed. Layout of $VM_CACHE:
#   .lock              flock: setup holds it exclusively, each vmrun shared
#   kernel/            one unpacked kernel, replaced as a whole:
#     vmlinuz, vmlinux (ELF, booted directly through PVH when present),
#     config, kver, busybox (static), lib/modules/<kver>/ (depmod'ed),
#     stamp            package name and the hash of the scripts that made it
#   initrd.gz          the initramfs (mkinitrd.sh)
#   initrd.stamp       hash of kernel/stamp and of the scripts that made it
VM_DIR=$(dirname "$(realpath "${BASH_SOURCE[0]}")")
VM_CACHE=${VIGIL_VM_CACHE:-/var/cache/vigil-vm}

vm_hash() { cat "$@" | sha256sum | cut -d' ' -f1; }

# Hash of what the kernel directory is made by (this file's layout included).
vm_kernel_script_hash() { vm_hash "$VM_DIR/common.sh" "$VM_DIR/fetch-kernel.sh"; }

# What initrd.stamp must say for the current kernel directory and scripts.
vm_initrd_key() {
  vm_hash "$VM_CACHE/kernel/stamp" "$VM_DIR/common.sh" "$VM_DIR/mkinitrd.sh"
}

# Succeeds when the kernel directory is complete and made by the current
# scripts. (Whether apt now names a newer kernel is setup.sh's business.)
vm_kernel_current() {
  local k=$VM_CACHE/kernel f
  for f in stamp vmlinuz kver busybox; do
    [ -s "$k/$f" ] || return 1
  done
  [ -s "$k/lib/modules/$(cat "$k/kver")/modules.dep" ] || return 1
  grep -qx "script=$(vm_kernel_script_hash)" "$k/stamp"
}

# Succeeds when the whole cache is complete and current.
vm_cache_current() {
  vm_kernel_current || return 1
  [ -s "$VM_CACHE/initrd.gz" ] && [ -s "$VM_CACHE/initrd.stamp" ] || return 1
  [ "$(cat "$VM_CACHE/initrd.stamp")" = "$(vm_initrd_key)" ]
}
