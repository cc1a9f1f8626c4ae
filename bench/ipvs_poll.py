#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Low-overhead completion poller for bench/ipvs_bench_guest.sh (runs inside the guest).

Reading /proc/net/ip_vs with 11,000 lines costs about 70 ms of guest CPU under TCG, so polling
it every few tens of ms would steal a large share of the one vCPU from the daemon being
measured. This poller is started (and pays its own start-up) BEFORE the timed interval: it
prints "ready", waits for a line "go" on stdin, then polls with cheap IPVS generic-netlink
GET_DEST dumps of a few sample services, and confirms with ONE full read of /proc/net/ip_vs
once those look complete (falling back to full reads every interval until it matches).
It prints "done <CLOCK_REALTIME seconds> polls=<n> full=<k>" (or "timeout ...") and exits.

Modes:
  dests  --services N --dests M --sample VIP,VIP,...   wait until each sample service has M
         destinations, then until /proc/net/ip_vs lists exactly N services and N*M dests
  weight --service VIP --dest RIP --weight W            wait until that destination has weight W
All services are TCP port 80, destinations port 80 (the bench's configuration).
"""
import argparse
import os
import socket
import struct
import sys
import time

NETLINK_GENERIC = 16
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 0x1, 0x4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
IPVS_CMD_GET_DEST = 8
IPVS_CMD_ATTR_SERVICE, IPVS_CMD_ATTR_DEST = 1, 2
SVC_AF, SVC_PROTOCOL, SVC_ADDR, SVC_PORT = 1, 2, 3, 4
DEST_ADDR, DEST_PORT, DEST_WEIGHT = 1, 2, 4
NLA_F_NESTED = 0x8000


def nla(t, payload):
    n = 4 + len(payload)
    return struct.pack("=HH", n, t) + payload + b"\0" * ((4 - n % 4) % 4)


def attrs(buf):
    out, off = {}, 0
    while off + 4 <= len(buf):
        n, t = struct.unpack_from("=HH", buf, off)
        if n < 4:
            break
        out[t & 0x3FFF] = buf[off + 4:off + n]
        off += (n + 3) & ~3
    return out


class Ipvs:
    def __init__(self):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.s.bind((0, 0))
        self.seq = 1
        msgs = self.request(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, CTRL_CMD_GETFAMILY,
                            nla(CTRL_ATTR_FAMILY_NAME, b"IPVS\0"))
        fam = [attrs(p[4:]).get(CTRL_ATTR_FAMILY_ID) for t, p in msgs if t == GENL_ID_CTRL]
        if not fam or fam[0] is None:
            sys.exit("ipvs_poll: no IPVS generic-netlink family (is ip_vs loaded?)")
        self.family = struct.unpack("=H", fam[0][:2])[0]

    def request(self, mtype, flags, cmd, payload):
        """Sends one request; returns [(type, payload)] until DONE or the ACK."""
        self.seq += 1
        body = struct.pack("=BBH", cmd, 1, 0) + payload
        self.s.send(struct.pack("=IHHII", 16 + len(body), mtype, flags, self.seq, 0) + body)
        out = []
        while True:
            d = self.s.recv(1 << 16)
            off = 0
            while off + 16 <= len(d):
                n, t, _f, seq, _pid = struct.unpack_from("=IHHII", d, off)
                if n < 16:
                    return out
                p = d[off + 16:off + n]
                off += (n + 3) & ~3
                if seq != self.seq:
                    continue
                if t == NLMSG_DONE:
                    return out
                if t == NLMSG_ERROR:
                    err = struct.unpack_from("=i", p)[0]
                    if err != 0:
                        raise OSError(-err, os.strerror(-err))
                    return out
                out.append((t, p))
                if not flags & NLM_F_DUMP:
                    return out

    def dests(self, vip):
        """{rip: weight} of TCP service vip:80; {} when the service does not exist."""
        svc = (nla(SVC_AF, struct.pack("=H", socket.AF_INET)) +
               nla(SVC_PROTOCOL, struct.pack("=H", socket.IPPROTO_TCP)) +
               nla(SVC_ADDR, socket.inet_aton(vip) + b"\0" * 12) +
               nla(SVC_PORT, struct.pack("!H", 80)))
        try:
            msgs = self.request(self.family, NLM_F_REQUEST | NLM_F_DUMP, IPVS_CMD_GET_DEST,
                                nla(IPVS_CMD_ATTR_SERVICE | NLA_F_NESTED, svc))
        except OSError:
            return {}  # ESRCH: no such service yet
        out = {}
        for _t, p in msgs:
            d = attrs(attrs(p[4:]).get(IPVS_CMD_ATTR_DEST, b""))
            if DEST_ADDR in d and DEST_WEIGHT in d:
                out[socket.inet_ntoa(d[DEST_ADDR][:4])] = struct.unpack("=I", d[DEST_WEIGHT][:4])[0]
        return out


def proc_counts():
    svcs = dsts = 0
    with open("/proc/net/ip_vs", "rb") as f:
        for line in f.read().splitlines()[3:]:  # after the 3 header lines
            if line.startswith(b"  ->"):
                dsts += 1
            elif line.startswith((b"TCP", b"UDP", b"SCTP", b"FWM")):
                svcs += 1
    return svcs, dsts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["dests", "weight"])
    ap.add_argument("--services", type=int)
    ap.add_argument("--dests", type=int)
    ap.add_argument("--sample", default="")
    ap.add_argument("--service")
    ap.add_argument("--dest")
    ap.add_argument("--weight", type=int)
    ap.add_argument("--interval", type=float, default=0.025)
    ap.add_argument("--timeout", type=float, default=900)
    a = ap.parse_args()
    ipvs = Ipvs()
    sample = [v for v in a.sample.split(",") if v]
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        sys.exit("ipvs_poll: expected 'go'")
    deadline = time.monotonic() + a.timeout
    polls = full = 0
    while time.monotonic() < deadline:
        polls += 1
        if a.mode == "weight":
            ok = ipvs.dests(a.service).get(a.dest) == a.weight
        else:
            ok = all(len(ipvs.dests(v)) >= a.dests for v in sample)
            if ok:
                full += 1
                ok = proc_counts() == (a.services, a.services * a.dests)
        if ok:
            print(f"done {time.time():.6f} polls={polls} full={full}", flush=True)
            return 0
        time.sleep(a.interval)
    print(f"timeout {time.time():.6f} polls={polls} full={full}", flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main())
