#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# get.sh HOST PORT: one HTTP/1.0 GET / with bash's /dev/tcp; prints the body's first line and
# fails unless the status is 200. The labs' one-shot client: under TCG, curl spends about a
# second of CPU loading its libraries, and the guest's static busybox wget crashes. The caller
# bounds the time (timeout(1)).
exec 3<>"/dev/tcp/$1/$2" || exit 1
printf 'GET / HTTP/1.0\r\nHost: %s\r\n\r\n' "$1" >&3 || exit 1
reply=$(cat <&3) || exit 1
[[ $reply == "HTTP/1."?" 200 "* ]] || exit 1
body=${reply#*$'\r\n\r\n'}
printf '%s\n' "${body%%$'\n'*}"
