#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Ops the kernel refuses: a scheduler this kernel lacks (twos arrived in 6.2;
# Debian 12 runs 6.1), a scheduler whose module cannot load, and an unknown
# persistence engine. Each is reported once with the op, the object and the
# errno; everything else is applied; vigild keeps running and retries, and
# applies the op as soon as the kernel accepts it.
# Usage (inside a guest): refused.sh VIGILD
. "$(dirname "$0")/lib.sh"
VIGILD=$1
guest_setup
[ -e "/lib/modules/$(uname -r)/kernel/net/netfilter/ipvs/ip_vs_twos.ko" ] \
  && die "this kernel has ip_vs_twos; pick another missing scheduler for this test"
# The guest's /etc is a writable overlay: make ip_vs_mh unloadable for now.
echo 'install ip_vs_mh /bin/false' >/etc/modprobe.d/vigil-refuse.conf
cat >/tmp/refused.conf <<'CONF'
virtual_server 198.18.0.1 80 {
  lvs_sched rr
  lvs_method NAT
  protocol TCP
  real_server 198.18.1.1 80 { }
}
virtual_server 198.18.0.2 80 {
  lvs_sched twos
  lvs_method NAT
  protocol TCP
  real_server 198.18.1.1 80 { }
  real_server 198.18.1.2 80 { }
}
virtual_server 198.18.0.3 80 {
  lvs_sched rr
  lvs_method NAT
  protocol TCP
  persistence_timeout 60
  persistence_engine nosuch
  real_server 198.18.1.1 80 { }
}
virtual_server 198.18.0.4 80 {
  lvs_sched wlc
  lvs_method DR
  protocol TCP
  real_server 198.18.1.4 80 { }
}
virtual_server 198.18.0.5 80 {
  lvs_sched mh
  lvs_method NAT
  protocol TCP
  real_server 198.18.1.5 80 { }
}
CONF
start_vigild /tmp/vigild.log -f /tmp/refused.conf
poll 60 log_has /tmp/vigild.log 'ipvs: start: ' || die "no start report"
grep -E 'ipvs: ' /tmp/vigild.log
log_has /tmp/vigild.log 'start: 4 op\(s\) applied, 3 failed, 4 skipped' \
  && pass "good ops applied, refused ones counted" || fail "unexpected start report"
log_has /tmp/vigild.log 'add service TCP 198.18.0.2:80: No such file or directory \(errno 2\)' \
  && pass "scheduler refusal names op, object and errno" || fail "no clear error for twos"
log_has /tmp/vigild.log 'add service TCP 198.18.0.3:80: No such file or directory \(errno 2\)' \
  && pass "persistence engine refusal reported" || fail "no clear error for pe nosuch"
log_has /tmp/vigild.log 'add service TCP 198.18.0.5:80: No such file or directory \(errno 2\)' \
  && pass "unloadable scheduler module reported" || fail "no clear error for mh"
ipvsadm -Sn | grep -q -- '-a -t 198.18.0.1:80 -r 198.18.1.1:80 -m -w 1' \
  && ipvsadm -Sn | grep -q -- '-a -t 198.18.0.4:80 -r 198.18.1.4:80 -g -w 1' \
  && pass "the rest is applied" || fail "the good services are missing"
# Let several resyncs retry; each failure is logged only once.
until=$((SECONDS + 4)); until [ "$SECONDS" -ge "$until" ]; do sleep 0.2; done
kill -0 "$VPID" && pass "vigild still running" || fail "vigild died"
[ "$(grep -c '198.18.0.2:80: No such file' /tmp/vigild.log)" = 1 ] \
  && pass "repeated failure logged once" || fail "repeated failure logged $(grep -c '198.18.0.2:80: No such file' /tmp/vigild.log) times"
# The module becomes loadable: the next resync applies the service.
rm /etc/modprobe.d/vigil-refuse.conf
poll 30 sh -c "ipvsadm -Sn | grep -q -- '-a -t 198.18.0.5:80 -r 198.18.1.5:80'" \
  && pass "retried and applied once the kernel accepts it" || fail "not retried"
log_has /tmp/vigild.log 'no longer failing' && pass "recovery logged" || fail "recovery not logged"
stop_vigild
finish
