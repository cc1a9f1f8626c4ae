# SPDX-License-Identifier: GPL-2.0-or-later
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

# Succeeds when the cache is complete and made by the current scripts.
# (Whether a newer kernel package exists is setup.sh's business, not this.)
vm_cache_current() {
  local k=$VM_CACHE/kernel f
  for f in "$k/stamp" "$k/vmlinuz" "$k/kver" "$k/busybox" "$VM_CACHE/initrd.gz" \
           "$VM_CACHE/initrd.stamp"; do
    [ -s "$f" ] || return 1
  done
  [ -d "$k/lib/modules/$(cat "$k/kver")" ] || return 1
  grep -qx "script=$(vm_kernel_script_hash)" "$k/stamp" || return 1
  [ "$(cat "$VM_CACHE/initrd.stamp")" = "$(vm_initrd_key)" ]
}
