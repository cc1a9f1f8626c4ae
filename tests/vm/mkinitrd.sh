#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the guest's initramfs (about 1.5 MB): busybox, the virtio/9p/overlay
# modules and an /init that assembles a root from the HOST's / and runs one
# command in it. Called by setup.sh.
#
# Usage: mkinitrd.sh KERNELDIR OUT     (KERNELDIR as made by fetch-kernel.sh)
#
# The guest (see vmrun.sh for the host side):
#  - mounts the host's / (9p tag "hostroot", read-only) under a tmpfs overlay,
#    so host-built binaries run unchanged and guest writes vanish at poweroff;
#  - mounts the kernel's modules (tag "modules") at /lib/modules and the run
#    directory (tag "vmrun", writable) at /run/vmrun/io;
#  - gives it a fresh /run and /dev/shm (tmpfs), /dev/pts, /dev/fd, lo up; /tmp
#    stays the host's, seen through the overlay (writes stay in the guest), so a
#    source tree cloned under /tmp (as CI may do) is visible in the guest;
#  - switch_roots into it (module autoload needs the real root, not a chroot:
#    the kernel runs /sbin/modprobe, i.e. the host's kmod);
#  - runs /run/vmrun/io/cmd with /bin/sh, stdout and stderr to ttyS0 (the
#    kernel's console is ttyS1, so that ttyS0 carries the command's output
#    only), writes its exit status to /run/vmrun/io/rc and powers off.
# Kernel command line: vmrun.verbose=1 prints guest uptimes at start and end.
set -euo pipefail
die() { echo "mkinitrd: $*" >&2; exit 1; }
[ $# -eq 2 ] || die "usage: mkinitrd.sh KERNELDIR OUT"
kdir=$1 out=$2
kver=$(cat "$kdir/kver")
command -v cpio >/dev/null || die "cpio not found (run scripts/install-deps.sh)"

r=$(mktemp -d "${TMPDIR:-/tmp}/vigil-initrd.XXXXXX")
trap 'rm -rf "$r"' EXIT
mkdir -p "$r"/{bin,proc,sys,dev,lower,rw,newroot}
cp "$kdir/busybox" "$r/bin/busybox"
for a in $("$kdir/busybox" --list); do
  [ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"
done

# The modules the initramfs needs before the host's root is up, dependencies
# first, in the order modprobe would load them.
: >"$r/modules.load"
for m in virtio_pci 9pnet_virtio 9p overlay; do
  modprobe -d "$kdir" -S "$kver" --show-depends "$m" | awk '$1 == "insmod" {print $2}'
done | awk '!seen[$0]++' | while read -r ko; do
  rel=${ko#"$kdir"}
  mkdir -p "$r$(dirname "$rel")"
  cp "$ko" "$r$rel"
  echo "$rel" >>"$r/modules.load"
done
[ -s "$r/modules.load" ] || die "no modules found for the initramfs"

cat >"$r/init" <<'EOS'
#!/bin/busybox sh
# Stage 1 (initramfs): assemble the root, then switch_root into it.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
fail() {
  echo "VMRUN_INIT_FAILED: $*"
  poweroff -f
}
while read -r ko; do insmod "$ko" || fail "insmod $ko"; done </modules.load
o9p=trans=virtio,version=9p2000.L,msize=512000
mount -t 9p -o $o9p,ro,cache=loose hostroot /lower || fail "mount 9p hostroot"
mount -t tmpfs -o mode=755 rw /rw
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work root /newroot \
  || fail "mount overlay"
n=/newroot
mount --move /proc $n/proc
mount --move /sys $n/sys
mount --move /dev $n/dev
mkdir -p $n/dev/pts $n/dev/shm
ln -sfn /proc/self/fd $n/dev/fd # devtmpfs has none: bash's <(...) needs it
ln -sf /proc/self/fd/0 $n/dev/stdin
ln -sf /proc/self/fd/1 $n/dev/stdout
ln -sf /proc/self/fd/2 $n/dev/stderr
mount -t devpts -o newinstance,ptmxmode=0666 devpts $n/dev/pts
mount -t tmpfs -o mode=1777 shm $n/dev/shm
mount -t tmpfs -o mode=755 run $n/run # no stale host pid files
mount -t cgroup2 cgroup2 $n/sys/fs/cgroup 2>/dev/null
mkdir -p $n/lib/modules $n/run/vmrun/io
mount -t 9p -o $o9p,ro,cache=loose modules $n/lib/modules || fail "mount 9p modules"
mount -t 9p -o $o9p,cache=none vmrun $n/run/vmrun/io || fail "mount 9p vmrun"
[ -f $n/run/vmrun/io/cmd ] || fail "no command in the run directory"
hostname vm
ip link set lo up || fail "lo up"
stty -F $n/dev/ttyS0 -onlcr || fail "stty ttyS0" # no \r\n translation
cp /bin/busybox $n/run/vmrun/busybox
cp /stage2 $n/run/vmrun/init
exec switch_root $n /run/vmrun/init
EOS

cat >"$r/stage2" <<'EOS'
#!/run/vmrun/busybox sh
# Stage 2 (PID 1 in the assembled root): run the command, report, power off.
b=/run/vmrun/busybox
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
verbose=0
for w in $($b cat /proc/cmdline); do
  case $w in vmrun.verbose=1) verbose=1 ;; esac
done
uptime() { $b cut -d' ' -f1 /proc/uptime; }
out=/dev/ttyS0
[ $verbose = 0 ] || echo "vmrun: guest up at $(uptime) s" >$out
# In the foreground: a background job (&) would start with SIGINT ignored.
/bin/sh /run/vmrun/io/cmd </dev/null >$out 2>&1
rc=$?
[ $verbose = 0 ] || echo "vmrun: command exited $rc at $(uptime) s" >$out
$b stty -F $out -onlcr # returns once the output has drained (TCSADRAIN)
echo "$rc" >/run/vmrun/io/rc
$b sync
$b poweroff -f
EOS
chmod +x "$r/init" "$r/stage2"
(cd "$r" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"
