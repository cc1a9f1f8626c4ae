#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Checks that run.sh fails a run when a verdict differs from a case's header:
# selftest/ has one right case and two wrong ones.
# Usage: selftest.sh RUN_SH VIGILD
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$("$1" "$2" --cases "$here/selftest" --etc "" 2>&1)
rc=$?
echo "$out"
last=$(printf '%s\n' "$out" | tail -n 1)
if [ $rc -eq 0 ]; then
  echo "selftest: run.sh exited 0 although two cases are wrong" >&2
  exit 1
fi
if [ "$last" != "1 passed, 2 failed" ]; then
  echo "selftest: expected the summary '1 passed, 2 failed', got '$last'" >&2
  exit 1
fi
for c in wrong_expect wrong_keepalived; do
  printf '%s\n' "$out" | grep -q "^FAIL $c:" || { echo "selftest: $c did not fail" >&2; exit 1; }
done
printf '%s\n' "$out" | grep -q "^PASS ok:" || { echo "selftest: ok did not pass" >&2; exit 1; }
echo "selftest: ok"
