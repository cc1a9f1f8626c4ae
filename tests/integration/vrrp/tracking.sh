#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Tracking and notification, end to end. One VRID (VRRPv3, multicast); node a has priority 200
# and tracks a vrrp_script (`test -e $WORK/up`, weight -150) and a track_file ($WORK/tf,
# weight -150); node b has priority 100. Node a also has a generic `notify` script and a
# vrrp_notify_fifo read by a vrrp_notify_fifo_script. In one run:
#   1. election: a holds the VIP;
#   2. the script fails: a's priority drops to 50, b preempts and holds the VIP;
#   3. the script succeeds again: a (200) preempts back;
#   4. the track_file reads 1 (1 x -150): b takes over; it reads 0 again: a takes it back;
#   5. a's eth0 goes down: a is in FAULT and b holds the VIP; up again: a takes it back;
#   6. a's notify script was run with keepalived's arguments (INSTANCE VI_51 MASTER|BACKUP
#      PRIORITY) and the FIFO reader got the same transitions as `INSTANCE "VI_51" ...` lines.
# Usage: [IMPL_A=vigild|keepalived] [IMPL_B=...] [VIGILD=path] tracking.sh
. "$(dirname "$0")/lib.sh"
parse_mode v3-mcast
VRID=51
VIP=$(vip_of "$VRID" "$FAMILY")

topology_up
gen_conf a "$WORK/a.base" "${CONF_OPTS[@]}" -r "$VRID:200:MASTER"
gen_conf b "$WORK/b.conf" "${CONF_OPTS[@]}" -r "$VRID:100:BACKUP"

cat >"$WORK/notify.sh" <<SH
#!/bin/sh
echo "\$*" >>"$WORK/notify.log"
SH
cat >"$WORK/fifo_reader.sh" <<'SH'
#!/bin/sh
# The FIFO's path is the last argument; copy its lines to fifo.log next to it.
fifo=$(eval echo "\${$#}")
exec cat "$fifo" >>"${fifo%/*}/fifo.log"
SH
chmod 755 "$WORK/notify.sh" "$WORK/fifo_reader.sh"
# The scripts must be root's and not writable by others (script security); WORK is mktemp's.
touch "$WORK/up"
echo 0 >"$WORK/tf"

# a.conf: global_defs with the FIFO, the tracked objects, then the instance with its tracks
# and the notify script (keepalived resolves track names while reading, so they go first).
awk -v work="$WORK" '
  /^global_defs/ { print; print "  script_user root"; print "  vrrp_notify_fifo " work "/fifo";
                   print "  vrrp_notify_fifo_script " work "/fifo_reader.sh"; next }
  /^vrrp_instance/ && !done {
    print "vrrp_script chk_up {"
    print "  script \"/usr/bin/test -e " work "/up\""
    print "  interval 1"
    print "  weight -150"
    print "}"
    print "track_file tf {"
    print "  file " work "/tf"
    print "  weight -150"
    print "}"
    done = 1
  }
  /^  virtual_ipaddress/ {
    print "  track_script {"; print "    chk_up"; print "  }"
    print "  track_file {"; print "    tf"; print "  }"
    print "  notify " work "/notify.sh"
  }
  { print }' "$WORK/a.base" >"$WORK/a.conf"

start_node a
start_node b
expect_vips "election: a (priority 200) holds $VIP" "$WAIT" "$VIP=a"

rm -f "$WORK/up"
expect_vips "vrrp_script fails (weight -150): b preempts" "$WAIT" "$VIP=b"
touch "$WORK/up"
expect_vips "vrrp_script succeeds again: a preempts back" "$WAIT" "$VIP=a"

echo 1 >"$WORK/tf.new" && mv "$WORK/tf.new" "$WORK/tf"
expect_vips "track_file reads 1 (x -150): b takes over" "$WAIT" "$VIP=b"
echo 0 >"$WORK/tf.new" && mv "$WORK/tf.new" "$WORK/tf"
expect_vips "track_file reads 0: a takes the VIP back" "$WAIT" "$VIP=a"

# The instance's own interface (tracked unless dont_track_primary): down means FAULT, and the
# VIP goes; up again means a new start, and a (200) preempts back.
ip -n "$(ns_of a)" link set eth0 down
expect_vips "a's eth0 down: a goes to FAULT and releases the VIP, b takes it" "$WAIT" "$VIP=b"
ip -n "$(ns_of a)" link set eth0 up
expect_vips "a's eth0 up again: a takes the VIP back" "$WAIT" "$VIP=a"
expect_running a b

# notify: arguments appended to the command: INSTANCE <name> <STATE> <priority>.
notify_has() { grep -qx "$1" "$WORK/notify.log" 2>/dev/null; }
for line in "INSTANCE VI_$VRID MASTER 200" "INSTANCE VI_$VRID BACKUP 50" \
  "INSTANCE VI_$VRID FAULT 200"; do
  if poll 10 notify_has "$line"; then
    pass "notify script ran with '$line'"
  else
    fail "notify script: no '$line' in: $(tr '\n' '|' <"$WORK/notify.log" 2>/dev/null)"
  fi
done
fifo_has() { grep -qF "$1" "$WORK/fifo.log" 2>/dev/null; }
for line in "INSTANCE \"VI_$VRID\" MASTER 200" "INSTANCE \"VI_$VRID\" BACKUP 50"; do
  if poll 10 fifo_has "$line"; then
    pass "notify FIFO got '$line'"
  else
    fail "notify FIFO: no '$line' in: $(tr '\n' '|' <"$WORK/fifo.log" 2>/dev/null)"
  fi
done

stop_node a TERM
stop_node b TERM
finish
