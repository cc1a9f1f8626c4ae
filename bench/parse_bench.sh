#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Parse-time and peak-memory benchmark of `vigild -t` against `keepalived -t`
# (Debian's keepalived 2.2.7), side by side in the same run, on two generated
# configurations:
#   vs10k   10,000 virtual_servers x 10 real_servers (TCP_CHECK each)
#   seq65k  65,024 vrrp_instances (+ a track_file each) from one ~SEQ line, the
#           shape of keepalived.conf(5)'s own ~SEQ example
#   seq16k  the same with 16,256 instances (keepalived -t is far slower than
#           linear in the instance count; this size finishes)
# Both daemons run inside a private network namespace that has every interface
# the configs name, so the interface checks are real. Nothing is sent on any
# network. Figures are printed, never asserted.
#
# Usage: bench/parse_bench.sh [--vigild PATH] [--runs N] [--timeout SECONDS] [--only CONFIG]
# Needs root, iproute2, GNU time and keepalived (scripts/install-deps.sh).
set -uo pipefail
cd "$(dirname "$0")/.."

vigild=build/release/daemon/vigild
runs=3
tmo=900
only=""
while [ $# -gt 0 ]; do
  case $1 in
    --vigild) vigild=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --timeout) tmo=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    *) echo "usage: $0 [--vigild PATH] [--runs N] [--timeout S] [--only CONFIG]" >&2; exit 2 ;;
  esac
done
if [ ! -x "$vigild" ]; then
  cmake --preset release >/dev/null && cmake --build --preset release --target vigild || exit 1
fi
command -v keepalived >/dev/null || { echo "keepalived is not installed" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time (/usr/bin/time) is not installed" >&2; exit 1; }

work=$(mktemp -d /tmp/vigil-bench.XXXXXX)
ns=vigil-bench-$$
cleanup() { ip netns del "$ns" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM

# ---- configurations -------------------------------------------------------
gen_vs10k() {
  echo "global_defs {"
  echo "  router_id bench"
  echo "}"
  for ((v = 0; v < 10000; v++)); do
    local a=$((v / 250)) b=$((v % 250 + 1))
    echo "virtual_server 198.18.$a.$b 80 {"
    echo "  delay_loop 10"
    echo "  lvs_sched wrr"
    echo "  lvs_method NAT"
    echo "  protocol TCP"
    for ((r = 1; r <= 10; r++)); do
      echo "  real_server 198.19.$a.$(( (b * 10 + r) % 250 + 1 )) $((8000 + r)) {"
      echo "    weight $r"
      echo "    TCP_CHECK {"
      echo "      connect_timeout 3"
      echo "    }"
      echo "  }"
    done
    echo "}"
  done
}

gen_seq() {  # $1: last IF index (7 -> 65,024 instances, 1 -> 16,256)
  # (IF+1) x 32 interfaces, 254 VRIDs on each: VRIDs are unique per interface.
  cat <<'EOF'
$VI4= \
track_file offset_${IF}_${NUM}_${ID} { \
    file "/tmp/vigil-bench-track/${IF}.${NUM}.${ID}" \
    weight -100 \
} \
vrrp_instance vrrp4.${IF}.${NUM}.${ID} { \
    interface b${IF}n${NUM} \
    virtual_router_id ${ID} \
    priority 130 \
    advert_int 1 \
    virtual_ipaddress { \
        198.18.${NUM}.${ID}/24 \
    } \
    track_file { \
        offset_${IF}_${NUM}_${ID} \
    } \
}
EOF
  echo "~SEQ(IF,0,$1) ~SEQ(NUM,0,31) ~SEQ(ID,1,254) \$VI4"
}

echo "generating configurations in $work ..."
gen_vs10k > "$work/vs10k.conf"
gen_seq 7 > "$work/seq65k.conf"
gen_seq 1 > "$work/seq16k.conf"

ip netns add "$ns" || exit 1
ip -n "$ns" link set lo up
for ((i = 0; i < 8; i++)); do
  for ((n = 0; n < 32; n += 2)); do
    ip -n "$ns" link add "b${i}n${n}" type veth peer name "b${i}n$((n + 1))" || exit 1
  done
done

# ---- measurement ----------------------------------------------------------
# measure CMD...: runs CMD in the namespace; prints "wall_s maxrss_kB exit"
measure() {
  local out=$work/time.out
  timeout -k 5 "$tmo" ip netns exec "$ns" /usr/bin/time -f '%e %M %x' -o "$out" "$@" \
    >/dev/null 2>"$work/stderr" </dev/null
  local rc=$?
  if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    echo "timeout - $rc"
  elif [ -s "$out" ]; then
    tail -n 1 "$out"
  else
    echo "- - $rc"
  fi
}

printf '\n%-8s %-11s %10s %12s %6s %s\n' config daemon "wall s" "peak RSS MB" exit "lines of stderr"
for cfg in vs10k seq16k seq65k; do
  [ -z "$only" ] || [ "$only" = "$cfg" ] || continue
  lines=$(wc -l < "$work/$cfg.conf")
  for who in keepalived vigild; do
    best_t="" best_m="" code=""
    for ((k = 0; k < runs; k++)); do
      if [ "$who" = keepalived ]; then
        read -r t m code < <(measure keepalived -t -f "$work/$cfg.conf")
      else
        read -r t m code < <(measure "$vigild" -t -f "$work/$cfg.conf")
      fi
      [ "$t" = timeout ] && { best_t=">$tmo"; best_m="-"; break; }
      if [ -z "$best_t" ] || awk "BEGIN{exit !($t < $best_t)}"; then best_t=$t; fi
      if [ -z "$best_m" ] || [ "$m" -lt "$best_m" ]; then best_m=$m; fi
    done
    mb=$best_m
    [ "$mb" != "-" ] && mb=$(awk "BEGIN{printf \"%.1f\", $best_m/1024}")
    printf '%-8s %-11s %10s %12s %6s %s\n' "$cfg" "$who" "$best_t" "$mb" "$code" \
      "$(wc -l < "$work/stderr")"
  done
  echo "         ($lines config lines; best of $runs runs)"
done
