#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs one host command inside a fresh, throw-away qemu guest that boots
# Debian's kernel (IPVS, veth, bridge... as modules) with the HOST's / as its
# root: read-only 9p under a tmpfs overlay, so host-built binaries, scripts,
# ipvsadm and keepalived run unchanged, and guest writes vanish at poweroff.
# The guest has no network device (-nodefaults): only its own lo and whatever
# the command creates.
#
# Usage: vmrun.sh [-m MB] [-c CPUS] [-t SECONDS] [-e VAR]... [-w DIR]... [-v] [--] CMD [ARG...]
#   -m MB       guest RAM (default 768)
#   -c CPUS     guest vCPUs (default 1)
#   -t SECONDS  wall-clock limit for the whole run, boot included (default 300)
#   -e VAR      pass the host's environment variable VAR (if set) to the command
#   -w DIR      let the guest write the host directory DIR (mounted at the same
#               path); everything else the guest writes is discarded
#   -v          report boot and command times (also VIGIL_VM_VERBOSE=1)
# CMD runs as root with the current directory as its working directory, stdin
# /dev/null, a fresh tmpfs /run (/tmp is the host's, seen through the overlay:
# guest writes stay in the guest), and stdout+stderr streamed to our
# stdout (the guest's ttyS0). The guest kernel's console (ttyS1) goes to a log
# that is shown on stderr when the run fails or times out, or when the kernel
# reported a bug or warning. Exit status: CMD's; 124 on timeout; 125 if the VM
# failed (no cache, qemu error, boot or mount failure) before CMD reported one.
#
# Env: VIGIL_VM_CACHE (default /var/cache/vigil-vm; set up by setup.sh, run
# here if the cache is missing or stale), VIGIL_VM_ACCEL=auto|kvm|tcg (auto:
# KVM only if /dev/kvm is usable and the CPU shows vmx/svm, otherwise TCG),
# VIGIL_VM_APPEND (extra guest kernel parameters).
set -uo pipefail
# shellcheck source=tests/vm/common.sh
. "$(dirname "$(realpath "$0")")/common.sh"
vmfail() { echo "vmrun: $*" >&2; exit 125; }
usage() { sed -n '/^# Usage:/,/^# Env:/{/^# Env:/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 125; }

mem=768 cpus=1 tmo=300 verbose=${VIGIL_VM_VERBOSE:-0} envs=() wdirs=()
while getopts "m:c:t:e:w:vh" o; do
  case $o in
    m) mem=$OPTARG ;;
    c) cpus=$OPTARG ;;
    t) tmo=$OPTARG ;;
    e) envs+=("$OPTARG") ;;
    w) d=$(realpath -e "$OPTARG") || vmfail "-w $OPTARG: no such directory"
       if [ ! -d "$d" ] || [ "$d" = / ]; then vmfail "-w $OPTARG: not a directory other than /"; fi
       wdirs+=("$d") ;;
    v) verbose=1 ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
for n in "$mem" "$cpus" "$tmo"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || vmfail "not a positive number: $n"
done
for v in "${envs[@]}"; do
  [[ $v =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || vmfail "-e $v: not a variable name"
done
[ "${VIGIL_VM_GUEST:-}" != 1 ] || vmfail "cannot start a guest inside a guest"
command -v qemu-system-x86_64 >/dev/null \
  || vmfail "qemu-system-x86_64 not found (run scripts/install-deps.sh)"
t0=$(date +%s%N)

# Hold the cache lock shared while the guest runs, so that setup.sh cannot
# replace the kernel under it. If the cache is missing or stale, set it up
# (without asking apt for a newer kernel) and never run on a partial one.
mkdir -p "$VM_CACHE" || vmfail "cannot create $VM_CACHE"
exec 9>>"$VM_CACHE/.lock" || vmfail "cannot open $VM_CACHE/.lock"
flock -s -w 900 9 || vmfail "$VM_CACHE is locked by a setup"
if ! vm_cache_current; then
  flock -u 9
  echo "vmrun: the VM cache in $VM_CACHE is missing or stale, running setup.sh" >&2
  "$VM_DIR/setup.sh" --no-refresh >&2 || vmfail "VM setup failed"
  flock -s -w 900 9 || vmfail "$VM_CACHE is locked by a setup"
  vm_cache_current || vmfail "the VM cache is still not current after setup"
fi
kernel=$VM_CACHE/kernel/vmlinux
[ -s "$kernel" ] || kernel=$VM_CACHE/kernel/vmlinuz

accel=${VIGIL_VM_ACCEL:-auto}
if [ "$accel" = auto ]; then
  # /dev/kvm alone is not enough: nested or software hypervisors expose it
  # without running a stock kernel (MSR and emulation failures).
  if [ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then
    accel=kvm
  else
    accel=tcg
  fi
fi
case $accel in
  kvm) acc=(-accel kvm -cpu host) ;;
  # TCG's code cache defaults to 1 GiB; 128 MB keeps qemu near 400 MB.
  tcg) acc=(-accel tcg,thread=multi,tb-size=128 -cpu max) ;;
  *) vmfail "bad VIGIL_VM_ACCEL=$accel (auto, kvm or tcg)" ;;
esac

# $tmp/io is shared with the guest (cmd in, rc out); $tmp/console.log is not.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-vmrun.XXXXXX") || vmfail "mktemp failed"
run=$tmp/io
mkdir "$run" || vmfail "mkdir $run failed"
qpid=
cleanup() {
  if [ -n "$qpid" ]; then kill -TERM "$qpid" 2>/dev/null; fi
  rm -rf "$tmp"
}
# Shows the guest kernel's console (quiet unless -v: errors, warnings, our
# init's messages) on stderr; $1 says why.
console_log() {
  echo "vmrun: $1; guest kernel console:" >&2
  tail -n 300 "$tmp/console.log" | sed 's/^/vmrun: | /' >&2
  [ -s "$tmp/console.log" ] || echo "vmrun: | (nothing; -v shows every boot message)" >&2
}
trap cleanup EXIT
trap 'kill -TERM "$qpid" 2>/dev/null; interrupted=1' INT TERM HUP
interrupted=0

q() { printf "'%s'" "${1//\'/\'\\\'\'}"; } # quote for sh
c() { printf '%s' "${1//,/,,}"; }               # quote for a qemu option value
o9p=trans=virtio,version=9p2000.L,msize=512000
fs=(-fsdev "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap"
    -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot
    -fsdev "local,id=modules,path=$(c "$VM_CACHE/kernel/lib/modules"),security_model=none,readonly=on"
    -device virtio-9p-pci,fsdev=modules,mount_tag=modules
    -fsdev "local,id=vmrun,path=$(c "$run"),security_model=none"
    -device virtio-9p-pci,fsdev=vmrun,mount_tag=vmrun)
# The guest's /bin/sh runs this: environment, writable dirs, cwd, exec CMD.
{
  echo "export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
  echo "export HOME=/root TERM=dumb LANG=C.UTF-8 VIGIL_VM_GUEST=1"
  for v in "${envs[@]}"; do
    if [ -n "${!v+x}" ]; then echo "export $v=$(q "${!v}")"; fi
  done
  i=0
  for d in "${wdirs[@]}"; do
    fs+=(-fsdev "local,id=w$i,path=$(c "$d"),security_model=none,multidevs=remap"
         -device "virtio-9p-pci,fsdev=w$i,mount_tag=w$i")
    echo "mkdir -p $(q "$d") && mount -t 9p -o $o9p,cache=none w$i $(q "$d") \\"
    echo "  || { echo 'vmrun: cannot mount '$(q "$d"); exit 125; }"
    i=$((i + 1))
  done
  echo "cd $(q "$PWD") || { echo 'vmrun: no '$(q "$PWD")' in the guest (is the tree on a path the guest shares?)'; exit 125; }"
  printf 'exec'
  for a in "$@"; do printf ' %s' "$(q "$a")"; done
  echo
} >"$run/cmd"

append="console=ttyS1 panic=-1"
if [ "$verbose" = 1 ]; then append+=" vmrun.verbose=1"; else append+=" quiet"; fi
append+=" ${VIGIL_VM_APPEND:-}"
timeout -k 5 "$tmo" qemu-system-x86_64 "${acc[@]}" -m "$mem" -smp "$cpus" \
  -nodefaults -no-user-config -display none -no-reboot \
  -chardev stdio,id=out,signal=off -serial chardev:out \
  -chardev file,id=con,path="$(c "$tmp/console.log")" -serial chardev:con \
  -kernel "$kernel" -initrd "$VM_CACHE/initrd.gz" -append "$append" \
  "${fs[@]}" </dev/null &
qpid=$!
while :; do
  wait "$qpid"
  qrc=$?
  kill -0 "$qpid" 2>/dev/null || break # else wait was cut short by a signal
done
qpid=
if [ "$verbose" = 1 ]; then
  ms=$((($(date +%s%N) - t0) / 1000000))
  printf 'vmrun: %s guest ran for %d.%03d s\n' "$accel" $((ms / 1000)) $((ms % 1000)) >&2
fi
[ "$interrupted" = 0 ] || vmfail "interrupted"
if [ -s "$run/rc" ]; then
  rc=$(cat "$run/rc")
  [[ $rc =~ ^[0-9]+$ ]] || vmfail "bad exit status from the guest: $rc"
  # WARN(), BUG(), oopses (the test may pass; the log is worth reading).
  trouble='WARNING: CPU: |BUG: |Oops|Call Trace:|Kernel panic'
  if grep -qE "$trouble" "$tmp/console.log"; then
    console_log "the guest kernel reported a problem"
  elif [ "$verbose" = 1 ]; then
    console_log "verbose"
  fi
  exit "$rc"
fi
if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
  console_log "timed out after $tmo s"
  exit 124
fi
console_log "the guest ended without reporting a status (qemu exit status $qrc)"
exit 125
