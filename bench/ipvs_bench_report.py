#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Summarises the raw results of bench/ipvs_bench_guest.sh (host side).

Usage: ipvs_bench_report.py RESULTS_DIR

Reads RESULTS_DIR/{env,runs.tsv,strace-<daemon>/*,strace-<daemon>.windows} and prints a
markdown table, vigild vs keepalived. Netlink sends are counted from `strace -ff -ttt -yy -v
-s 0` output: one syscall per sendmsg/sendto line, and one message per decoded nlmsghdr in it;
each syscall's decoded nlmsg_len values must add up to the bytes it sent, or the count is
flagged as unverified (strace abbreviated the array).
"""
import glob
import os
import re
import statistics
import sys

DAEMONS = ("vigild", "keepalived")
LINE = re.compile(r"^(\d+\.\d+) (sendmsg|sendto|sendmmsg)\((\d+)<([^>]*)>, (.*?)(?:\) = (-?\d+).*)?$")
HDR = re.compile(r"\{nlmsg_len=(\d+), nlmsg_type=([^,]+),")


def read_env(d):
    env = {}
    with open(os.path.join(d, "env")) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("=")
            env[k] = v
    return env


def read_runs(d):
    rows = []
    with open(os.path.join(d, "runs.tsv")) as f:
        head = f.readline().rstrip("\n").split("\t")
        for line in f:
            rows.append(dict(zip(head, line.rstrip("\n").split("\t"))))
    return rows


def count_sends(d, name):
    """{window: {"syscalls", "msgs", "ipvs", "other", "unverified", "sockets"}}."""
    with open(os.path.join(d, f"strace-{name}.windows")) as f:
        t0, thup, tterm = (float(x) for x in f.read().split())
    out = {w: {"syscalls": 0, "msgs": 0, "ipvs": 0, "other": {}, "unverified": 0,
               "max_per_syscall": 0, "sockets": set()}
           for w in ("start", "reload", "stop")}
    out["killed"] = False
    out["first"] = out["last"] = None
    files = glob.glob(os.path.join(d, f"strace-{name}", f"{name}.*"))
    if not files:
        sys.exit(f"ipvs_bench_report: no strace output for {name} in {d}")
    for path in files:
        with open(path, errors="replace") as f:
            for line in f:
                if "+++ killed by" in line:
                    out["killed"] = True
                m = LINE.match(line)
                if not m:
                    if re.match(r"^\d+\.\d+ send", line):
                        sys.exit(f"ipvs_bench_report: cannot parse {path}: {line[:200]}")
                    continue
                ts, _call, _fd, sock, args, ret = m.groups()
                if not sock.startswith("NETLINK:"):
                    continue
                ts = float(ts)
                w = "start" if ts < thup else "reload" if ts < tterm else "stop"
                if w == "start":
                    out["first"] = ts if out["first"] is None else min(out["first"], ts)
                    out["last"] = ts if out["last"] is None else max(out["last"], ts)
                o = out[w]
                o["syscalls"] += 1
                o["sockets"].add(sock.split(":")[1].lstrip("["))
                hdrs = HDR.findall(args)
                o["msgs"] += len(hdrs)
                o["max_per_syscall"] = max(o["max_per_syscall"], len(hdrs))
                for _n, t in hdrs:
                    if t == "IPVS":
                        o["ipvs"] += 1
                    else:
                        o["other"][t] = o["other"].get(t, 0) + 1
                total = sum((int(n) + 3) & ~3 for n, _t in hdrs)
                if ret is None or not 0 <= total - int(ret) <= 3:  # None: cut short by a kill
                    o["unverified"] += 1
    for k in ("first", "last"):
        if out[k] is not None:
            out[k] -= t0
    return out


def stat(rows, key, fmt):
    vals = [float(r[key]) for r in rows]
    if not vals:
        return "n/a"
    med = statistics.median(vals)
    if len(vals) == 1:
        return fmt(med)
    return f"{fmt(med)} ({fmt(min(vals))}-{fmt(max(vals))})"


def secs(v):
    return f"{v:.2f} s" if v < 100 else f"{v:.0f} s"


def mib(v):
    return f"{v / 1024:.1f} MiB"


def sends(c):
    other = ", ".join(f"{n} {t}" for t, n in sorted(c["other"].items()))
    s = f"{c['syscalls']} / {c['msgs']} ({c['ipvs']} IPVS" + (f", {other})" if other else ")")
    if c["unverified"]:
        s += f" [{c['unverified']} syscall(s) unverified]"
    return s


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: ipvs_bench_report.py RESULTS_DIR")
    d = sys.argv[1]
    env = read_env(d)
    runs = read_runs(d)
    plain = {n: [r for r in runs if r["name"] == n and r["mode"] == "plain"] for n in DAEMONS}
    st = {n: count_sends(d, n) for n in DAEMONS}
    n, m = int(env["services"]), int(env["dests"])
    print(f"IPVS programming: {n} services x {m} dests = {n * m} dests, "
          f"{env['runs']} run(s) each, guest kernel {env['kernel']}, {env['cpus']} vCPU")
    print(f"vigild: {env['vigild']}; keepalived: {env['keepalived']}")
    print("times: median (min-max) over the runs; netlink: syscalls / messages, from the strace run")
    print()
    print("| | vigild | keepalived |")
    print("|---|---|---|")
    row = lambda label, f: print(f"| {label} | {f('vigild')} | {f('keepalived')} |")  # noqa: E731
    row(f"program {n}x{m} from empty (start -> kernel complete)",
        lambda x: stat(plain[x], "start_s", secs))
    row("  netlink sends while programming", lambda x: sends(st[x]["start"]))
    row("  most messages in one syscall", lambda x: str(st[x]["start"]["max_per_syscall"]))
    row("one weight changed + SIGHUP (-> kernel shows it)",
        lambda x: stat(plain[x], "reload_s", secs))
    row("  netlink sends during the reload", lambda x: sends(st[x]["reload"]))
    row("peak RSS after programming (VmHWM, summed)", lambda x: stat(plain[x], "hwm_kb", mib))
    row("RSS after programming (VmRSS, summed)", lambda x: stat(plain[x], "rss_kb", mib))
    row("SIGTERM -> exited (table removed)", lambda x: stat(plain[x], "stop_s", secs))
    row("  netlink sends while stopping",
        lambda x: sends(st[x]["stop"]) + (" [incomplete: a process was SIGKILLed under strace]"
                                          if st[x]["killed"] else ""))
    row("processes / netlink sockets used",
        lambda x: f"{len(glob.glob(os.path.join(d, f'strace-{x}', f'{x}.*')))} / "
                  + ", ".join(sorted(set().union(*(st[x][w]['sockets'] for w in ('start', 'reload', 'stop'))))))
    row("(under strace: first / last netlink send while programming, after start)",
        lambda x: f"{st[x]['first']:.2f} s / {st[x]['last']:.2f} s" if st[x]["first"] is not None else "n/a")
    strace_rows = {x: [r for r in runs if r["name"] == x and r["mode"] == "strace"] for x in DAEMONS}
    row("(under strace: program / reload)",
        lambda x: f"{stat(strace_rows[x], 'start_s', secs)} / {stat(strace_rows[x], 'reload_s', secs)}")


if __name__ == "__main__":
    main()
