#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Measuring helper for bench/vrrp_bench.sh (stdlib only).

watch   Runs inside the namespace where a VIP is expected (ip netns exec NS ...). It subscribes
        to rtnetlink address events (RTMGRP_IPV4_IFADDR and RTMGRP_IPV6_IFADDR) and checks
        with a dump that the VIP is not there yet, then acts and takes the time:
          --kill SIG PID...   sends SIG to each PID in order (the daemon's children first);
          --exec CMD...       becomes CMD (execvp: a daemon, in this namespace, keeping this
                              PID) after forking a detached watcher, which writes its result
                              line to --result FILE.
        t0 is CLOCK_MONOTONIC just before the first kill() / the execvp(); t1 is
        CLOCK_MONOTONIC when the RTM_NEWADDR for the VIP is read. The result line is
        "elapsed_ms=X" or "timeout".
proc    PID: prints "ticks=T rss_kb=R hwm_kb=H procs=N" summed over PID and its descendants
        (keepalived forks a VRRP child), T = utime + stime in clock ticks.
hz      prints the clock tick rate (SC_CLK_TCK).
report  TSV: reads "impl<TAB>metric<TAB>value" lines and prints the side-by-side table.
"""
import argparse
import ipaddress
import os
import select
import socket
import statistics
import struct
import sys
import time

RTMGRP_IPV4_IFADDR, RTMGRP_IPV6_IFADDR = 0x10, 0x100
RTM_NEWADDR, RTM_GETADDR = 20, 22
NLM_F_REQUEST, NLM_F_DUMP = 0x1, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
IFA_ADDRESS, IFA_LOCAL = 1, 2
NLMSG_HDR = struct.Struct("=IHHII")
IFADDRMSG = struct.Struct("=BBBBI")
RTA_HDR = struct.Struct("=HH")


def addrs_in(buf):
    """Yields (nlmsg_type, set of addresses) for each netlink message in buf."""
    off = 0
    while off + NLMSG_HDR.size <= len(buf):
        length, mtype, _flags, _seq, _pid = NLMSG_HDR.unpack_from(buf, off)
        if length < NLMSG_HDR.size:
            break
        found = set()
        if mtype == RTM_NEWADDR:
            family = buf[off + NLMSG_HDR.size]
            a = off + NLMSG_HDR.size + IFADDRMSG.size
            end = off + length
            while a + RTA_HDR.size <= end:
                rlen, rtype = RTA_HDR.unpack_from(buf, a)
                if rlen < RTA_HDR.size:
                    break
                if rtype in (IFA_ADDRESS, IFA_LOCAL):
                    raw = buf[a + RTA_HDR.size:a + rlen]
                    fam = socket.AF_INET if family == socket.AF_INET else socket.AF_INET6
                    found.add(socket.inet_ntop(fam, raw))
                a += (rlen + 3) & ~3
        yield mtype, found
        off += (length + 3) & ~3


def vip_present(vip):
    """One RTM_GETADDR dump on its own socket: is vip configured in this namespace?"""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    try:
        req = NLMSG_HDR.pack(NLMSG_HDR.size + IFADDRMSG.size, RTM_GETADDR,
                             NLM_F_REQUEST | NLM_F_DUMP, 1, 0) + IFADDRMSG.pack(0, 0, 0, 0, 0)
        s.send(req)
        present = False
        while True:
            buf = s.recv(65536)
            for mtype, found in addrs_in(buf):
                if mtype in (NLMSG_DONE, NLMSG_ERROR):
                    return present
                present = present or vip in found
    finally:
        s.close()


def exited(pid):
    """pid is gone or a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def wait_vip(s, vip, t0, timeout, daemon=None):
    """Reads s until an RTM_NEWADDR for vip; returns its result line. Gives up early when the
    daemon (a PID) has exited."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return "timeout"
        if daemon and exited(daemon):
            return "failed: the daemon exited"
        if not select.select([s], [], [], min(left, 0.2))[0]:
            continue
        buf = s.recv(1 << 16)
        t1 = time.monotonic_ns()
        if any(vip in found for mtype, found in addrs_in(buf) if mtype == RTM_NEWADDR):
            return f"elapsed_ms={(t1 - t0) / 1e6:.1f}"


def cmd_watch(args):
    vip = str(ipaddress.ip_address(args.vip))
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.bind((0, RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR))
    if vip_present(vip):
        print(f"error: {vip} is already present", flush=True)
        return 2
    if args.kill:
        sig, pids = int(args.kill[0]), [int(p) for p in args.kill[1:]]
        t0 = time.monotonic_ns()
        for p in pids:
            try:
                os.kill(p, sig)
            except ProcessLookupError:
                pass
        print(wait_vip(s, vip, t0, args.timeout), flush=True)
        return 0
    # --exec: this process becomes the daemon (exec), so whoever started us keeps the daemon's
    # PID as its own child. A detached watcher (double fork, so it is nobody's child but
    # init's) gets t0 through a pipe and writes its result line to --result.
    r, w = os.pipe()
    daemon = os.getpid()
    mid = os.fork()
    if mid == 0:
        if os.fork() != 0:
            os._exit(0)
        os.close(w)
        t0 = int(os.read(r, 64) or b"0")
        line = wait_vip(s, vip, t0, args.timeout, daemon) if t0 else "failed: no start"
        with open(args.result + ".tmp", "w") as f:
            f.write(line + "\n")
        os.rename(args.result + ".tmp", args.result)
        os._exit(0)
    os.close(r)
    os.waitpid(mid, 0)
    s.close()
    t0 = time.monotonic_ns()
    os.write(w, str(t0).encode())
    os.close(w)
    os.execvp(args.exec[0], args.exec)


def tree(pid):
    """pid and its descendants, from the ppid field of /proc/*/stat."""
    parent = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    parent[int(d)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(c for c, pp in parent.items() if pp == p)
    return out


def cmd_proc(args):
    ticks = rss = hwm = n = 0
    for p in tree(args.pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{p}/status") as f:
                status = dict(line.split(":", 1) for line in f if ":" in line)
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (stat fields 14, 15)
        rss += int(status.get("VmRSS", "0 kB").split()[0])
        hwm += int(status.get("VmHWM", "0 kB").split()[0])
        n += 1
    print(f"ticks={ticks} rss_kb={rss} hwm_kb={hwm} procs={n}")
    return 0 if n else 1


def fmt_times(vals):
    if not vals:
        return "-"
    return (f"{statistics.median(vals):.0f} ms ({min(vals):.0f}–{max(vals):.0f}, "
            f"n={len(vals)})")


def cmd_report(args):
    rows, impls, notes = {}, [], {}
    with open(args.tsv) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3:
                continue
            impl, metric, value = parts
            if impl not in impls:
                impls.append(impl)
            if metric == "note":
                notes.setdefault(impl, []).append(value)
                continue
            rows.setdefault(metric, {}).setdefault(impl, []).append(value)
    order = [m for m in rows]
    width = max([len(m) for m in order] + [10])
    cols = [max(34, len(i)) for i in impls]
    print("| " + "metric".ljust(width) + " | " + " | ".join(
        i.ljust(c) for i, c in zip(impls, cols)) + " |")
    print("|-" + "-" * width + "-|-" + "-|-".join("-" * c for c in cols) + "-|")
    for m in order:
        cells = []
        for i, c in zip(impls, cols):
            vals = rows[m].get(i, [])
            if m.endswith("_ms"):
                nums = [float(v) for v in vals if v not in ("timeout", "failed")]
                bad = len(vals) - len(nums)
                cell = fmt_times(nums) + (f" +{bad} failed" if bad else "")
            else:
                cell = ", ".join(vals) if vals else "-"
            cells.append(cell.ljust(c))
        label = m[:-4] if m.endswith(" _ms") else m
        print("| " + label.ljust(width) + " | " + " | ".join(cells) + " |")
    for i in impls:
        for n in notes.get(i, []):
            print(f"{i}: {n}")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("watch")
    w.add_argument("--vip", required=True)
    w.add_argument("--timeout", type=float, default=60)
    w.add_argument("--result", help="with --exec: the file the watcher writes its result to")
    g = w.add_mutually_exclusive_group(required=True)
    g.add_argument("--kill", nargs="+", metavar="SIG PID")
    g.add_argument("--exec", nargs=argparse.REMAINDER)
    p = sub.add_parser("proc")
    p.add_argument("pid", type=int)
    sub.add_parser("hz")
    r = sub.add_parser("report")
    r.add_argument("tsv")
    args = ap.parse_args()
    if args.cmd == "watch":
        return cmd_watch(args)
    if args.cmd == "proc":
        return cmd_proc(args)
    if args.cmd == "hz":
        print(os.sysconf("SC_CLK_TCK"))
        return 0
    return cmd_report(args)


if __name__ == "__main__":
    sys.exit(main())
