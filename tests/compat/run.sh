#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Verdict compatibility: every case is checked with `keepalived -t` (the
# reference, 2.2.7) and `vigild -t`, each inside a private network namespace
# that has eth0/eth1 (a veth pair) and lo, and both exit codes are compared
# with the case's header.
#
# Usage: run.sh VIGILD [--keepalived PATH] [--cases DIR] [--etc DIR] [--timeout S] [CASE...]
#   VIGILD          the vigild binary to test
#   --keepalived    the reference binary (default: keepalived from PATH, else /usr/sbin/keepalived)
#   --cases DIR     directory of *.conf cases (default: cases/ beside this script)
#   --etc DIR       also check every *.conf directly in DIR and DIR/examples: both daemons must
#                   exit 0 (default: etc/ of the source tree; --etc '' turns it off)
#   --timeout S     seconds allowed per daemon run (default 10)
#   CASE...         run only these case files (the etc/ check is then skipped unless --etc is given)
#
# Case header (comment lines at the top of the file; '#' lines, read up to the
# first line that is not a comment):
#   # expect: N          the exit code both daemons must give (0 ok, 4 fatal, 5 errors, 6 security)
#   # keepalived: M      keepalived gives M instead (a deliberate difference: keepalived is
#                        wrong); M is a number, "hang" (it did not finish within the
#                        timeout) or "crash" (it was killed by a signal)
#   # args: ...          extra arguments for both daemons, e.g. "-i main"
#   # config: PATH       pass PATH (relative to the case's directory) as -f instead of the
#                        case itself, e.g. to name a main file that does not exist
#
# One line is printed per case, and last `N passed, M failed`. The exit status
# is non-zero when any case failed. A missing keepalived is a failure, not a skip.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)

usage() {
  sed -n '7,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[ $# -ge 1 ] || usage
vigild=$1
shift
keepalived=""
cases_dir="$here/cases"
etc_dir="$src/etc"
etc_given=0
timeout_s=10
only=()
while [ $# -gt 0 ]; do
  case "$1" in
    --keepalived) keepalived=${2:?}; shift 2 ;;
    --cases) cases_dir=${2:?}; shift 2 ;;
    --etc) etc_dir=${2-}; etc_given=1; shift 2 ;;
    --timeout) timeout_s=${2:?}; shift 2 ;;
    -h | --help) usage ;;
    -*) echo "run.sh: unknown option $1" >&2; usage ;;
    *) only+=("$1"); shift ;;
  esac
done
if [ ${#only[@]} -gt 0 ] && [ $etc_given -eq 0 ]; then
  etc_dir=""
fi
# The daemons run from a scratch directory: make every path absolute.
case "$cases_dir" in /*) ;; *) cases_dir="$PWD/$cases_dir" ;; esac
case "$etc_dir" in /* | "") ;; *) etc_dir="$PWD/$etc_dir" ;; esac

fail_setup() {
  echo "compat: $*" >&2
  echo "0 passed, 1 failed"
  exit 1
}

if [ -z "$keepalived" ]; then
  keepalived=$(command -v keepalived || true)
  [ -n "$keepalived" ] || [ ! -x /usr/sbin/keepalived ] || keepalived=/usr/sbin/keepalived
fi
[ -n "$keepalived" ] && [ -x "$keepalived" ] ||
  fail_setup "keepalived is not installed (it is the reference; install the keepalived package)"
case "$vigild" in /*) ;; *) vigild="$PWD/$vigild" ;; esac
[ -x "$vigild" ] || fail_setup "vigild '$vigild' is not an executable"
[ "$(id -u)" -eq 0 ] || fail_setup "must run as root (it creates a network namespace)"
command -v ip >/dev/null || fail_setup "ip (iproute2) is not installed"
command -v timeout >/dev/null || fail_setup "timeout (coreutils) is not installed"

ns="vigil-compat-$$"
work=$(mktemp -d "${TMPDIR:-/tmp}/vigil-compat.XXXXXX")
cleanup() {
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

ip netns add "$ns" || fail_setup "cannot create network namespace $ns"
ip -n "$ns" link add eth0 type veth peer name eth1 || fail_setup "cannot create eth0/eth1 in $ns"
ip -n "$ns" link set lo up || fail_setup "cannot bring lo up in $ns"

# run_in_ns OUTFILE BINARY ARGS...: prints the exit code, or "hang" on timeout.
run_in_ns() {
  local out=$1
  shift
  timeout -k 2 "$timeout_s" ip netns exec "$ns" "$@" </dev/null >"$out" 2>&1
  local rc=$?
  if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    echo hang
  elif [ $rc -ge 128 ]; then
    echo crash # killed by a signal (SIGSEGV, SIGABRT, ...)
  else
    echo $rc
  fi
}

# header FILE KEY: the value of "# KEY: value" in the file's leading comment lines.
header() {
  awk -v key="$2" '
    !/^[ \t]*#/ { exit }
    {
      line = $0
      sub(/^[ \t]*#[ \t]*/, "", line)
      if (index(line, key ":") == 1) {
        v = substr(line, length(key) + 2)
        gsub(/^[ \t]+|[ \t]+$/, "", v)
        print v
        exit
      }
    }' "$1"
}

passed=0
failed=0

show_output() {
  local who=$1 file=$2
  [ -s "$file" ] || return 0
  # keepalived repeats each message once per subsystem: show each once.
  awk '!seen[$0]++' "$file" | head -n 8 | sed "s/^/    $who: /"
}

# check NAME FILE EXPECT KEEPALIVED_EXPECT ARGS...
check() {
  local name=$1 file=$2 expect=$3 kexpect=$4
  shift 4
  local k v
  k=$(cd "$work" && run_in_ns "$work/k.out" "$keepalived" -t -f "$file" "$@")
  v=$(cd "$work" && run_in_ns "$work/v.out" "$vigild" -t -f "$file" "$@")
  local why=""
  [ "$k" = "$kexpect" ] || why="keepalived gave $k, the case says $kexpect"
  if [ "$v" != "$expect" ]; then
    [ -z "$why" ] || why="$why; "
    why="${why}vigild gave $v, the case expects $expect"
  fi
  local note=""
  [ "$kexpect" = "$expect" ] || note=" (deliberate difference)"
  if [ -z "$why" ]; then
    passed=$((passed + 1))
    echo "PASS $name: keepalived $k, vigild $v$note"
  else
    failed=$((failed + 1))
    echo "FAIL $name: $why$note"
    show_output keepalived "$work/k.out"
    show_output vigild "$work/v.out"
  fi
}

valid_code() {
  case "$1" in 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | hang | crash) return 0 ;; *) return 1 ;; esac
}

cases=()
if [ ${#only[@]} -gt 0 ]; then
  cases=("${only[@]}")
else
  [ -d "$cases_dir" ] || fail_setup "no cases directory $cases_dir"
  shopt -s nullglob
  cases=("$cases_dir"/*.conf)
  shopt -u nullglob
  [ ${#cases[@]} -gt 0 ] || fail_setup "no *.conf cases in $cases_dir"
fi

for c in "${cases[@]}"; do
  case "$c" in /*) ;; *) c="$PWD/$c" ;; esac
  name=$(basename "$c" .conf)
  if [ ! -f "$c" ]; then
    failed=$((failed + 1))
    echo "FAIL $name: no such case file $c"
    continue
  fi
  expect=$(header "$c" expect)
  kexpect=$(header "$c" keepalived)
  args=$(header "$c" args)
  config=$(header "$c" config)
  target=$c
  [ -z "$config" ] || target="$(dirname "$c")/$config"
  [ -n "$kexpect" ] || kexpect=$expect
  if ! valid_code "$expect" || ! valid_code "$kexpect" || [ "$expect" = hang ]; then
    failed=$((failed + 1))
    echo "FAIL $name: the header needs '# expect: N' (0-7) and optionally '# keepalived: N|hang|crash'"
    continue
  fi
  # shellcheck disable=SC2086 # args are words, as on a command line
  check "$name" "$target" "$expect" "$kexpect" $args
done

if [ -n "$etc_dir" ]; then
  shopt -s nullglob
  configs=("$etc_dir"/*.conf "$etc_dir"/examples/*.conf)
  shopt -u nullglob
  if [ ${#configs[@]} -eq 0 ]; then
    failed=$((failed + 1))
    echo "FAIL etc: no *.conf in $etc_dir or $etc_dir/examples"
  fi
  for c in "${configs[@]}"; do
    check "etc/${c#"$etc_dir"/}" "$c" 0 0
  done
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
