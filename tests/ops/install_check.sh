#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `cmake --install` into a scratch DESTDIR: the exact file list, man pages that
# render without a warning, and a unit that `systemd-analyze verify` accepts
# without a word. Usage: install_check.sh BUILD_DIR SOURCE_DIR (the install
# layout comes from the environment CTest sets: PREFIX SBINDIR MANDIR DOCDIR
# UNITDIR, as CMake computed them).
set -euo pipefail
build=$1 src=$2
: "${PREFIX:?}" "${SBINDIR:?}" "${MANDIR:?}" "${DOCDIR:?}" "${UNITDIR:?}"

failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

dest=$(mktemp -d /tmp/vigil-install.XXXXXX)
trap 'rm -rf "$dest"' EXIT

# Relative directories are under the prefix; absolute ones stand alone.
under() { case $1 in /*) echo "$1" ;; *) echo "$PREFIX/$1" ;; esac; }

if DESTDIR=$dest cmake --install "$build" >"$dest.log" 2>&1; then
  pass "cmake --install"
else
  cat "$dest.log"
  fail "cmake --install"
fi
rm -f "$dest.log"

# The exact list: nothing missing, nothing extra (no keepalived.conf in /etc).
expected=$(
  {
    echo "$(under "$SBINDIR")/vigild"
    echo "$(under "$UNITDIR")/vigild.service"
    echo "$(under "$MANDIR")/man8/vigild.8"
    echo "$(under "$MANDIR")/man5/vigild.conf.5"
    echo "$(under "$DOCDIR")/keepalived.conf.sample"
    echo "$(under "$DOCDIR")/README.md"
    for f in "$src"/etc/examples/*; do echo "$(under "$DOCDIR")/examples/$(basename "$f")"; done
  } | sort
)
actual=$(cd "$dest" && find . -type f -o -type l | sed 's|^\.||' | sort)
if [ "$expected" = "$actual" ]; then
  pass "installed files: $(echo "$actual" | wc -l)"
else
  fail "installed files differ (- expected, + installed):"
  diff <(echo "$expected") <(echo "$actual") || true
fi

bin=$dest$(under "$SBINDIR")/vigild
if [ -x "$bin" ] && "$bin" --version | grep -q '^vigild '; then
  pass "installed vigild runs"
else
  fail "installed vigild does not run"
fi

# Man pages: man-db's renderer and groff in its strictest mode, both silent.
for page in "$dest$(under "$MANDIR")"/man8/vigild.8 "$dest$(under "$MANDIR")"/man5/vigild.conf.5; do
  name=$(basename "$page")
  out=$( { MANWIDTH=80 man --warnings -l "$page" >/dev/null; } 2>&1) || fail "man -l $name failed"
  if [ -z "$out" ]; then pass "man --warnings -l $name is silent"; else fail "man -l $name: $out"; fi
  out=$(groff -ww -man -z "$page" 2>&1) || fail "groff $name failed"
  if [ -z "$out" ]; then pass "groff -ww -man -z $name is silent"; else fail "groff $name: $out"; fi
  if MANWIDTH=80 man -l "$page" 2>/dev/null | grep -q 'SYNOPSIS'; then
    pass "$name renders a SYNOPSIS"
  else
    fail "$name renders no SYNOPSIS"
  fi
done

# systemd-analyze verify: systemd 252's --root= needs a whole system tree
# (sysinit.target, /bin/kill), so verify a copy whose ExecStart names the
# installed binary, on the host, with the installed man pages on MANPATH
# (verify runs `man` for every Documentation= entry).
unit=$dest$(under "$UNITDIR")/vigild.service
check=$(mktemp -d /tmp/vigil-unit.XXXXXX)
trap 'rm -rf "$dest" "$check"' EXIT
sed "s|$(under "$SBINDIR")/vigild|$bin|g" "$unit" >"$check/vigild.service"
grep -q "^ExecStart=$bin " "$check/vigild.service" || fail "the unit's ExecStart is not $(under "$SBINDIR")/vigild"
out=$(MANPATH="$dest$(under "$MANDIR"):$(manpath 2>/dev/null)" \
  systemd-analyze verify "$check/vigild.service" 2>&1) && rc=0 || rc=$?
if [ "$rc" = 0 ] && [ -z "$out" ]; then
  pass "systemd-analyze verify is clean"
else
  fail "systemd-analyze verify (status $rc): $out"
fi
for want in '^Type=notify$' '^ExecReload=' '^KillMode=mixed$' '^Restart=on-failure$' \
  '^CapabilityBoundingSet=.*CAP_NET_ADMIN' '^CapabilityBoundingSet=.*CAP_NET_RAW'; do
  if grep -q "$want" "$unit"; then pass "unit has $want"; else fail "unit lacks $want"; fi
done
if grep -q '^AmbientCapabilities' "$unit"; then fail "unit grants ambient capabilities"; fi

if [ "$failures" != 0 ]; then
  echo "install_check: $failures failure(s)"
  exit 1
fi
echo "install_check: ok"
