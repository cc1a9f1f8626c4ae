#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Turns bench/hc_bench.sh's results.tsv into side-by-side markdown tables, one per checker
# type, one column per daemon. A run that never had every destination programmed shows why.
#
# Usage: hc_bench_report.py OUT_DIR
import csv
import os
import sys

CHECK_NAMES = {"tcp": "TCP_CHECK", "http": "HTTP_GET"}


def mib(kb):
    return f"{int(kb) / 1024:.1f} MiB"


def rows_for(r, rs):
    """The table's cells for one run, in ROWS order."""
    if r["cpu_pct"] == "-":
        why = ("exited before programming" if r["status"] == "exited"
               else "did not program every destination")
        cell = f"{why} ({r['dests_end']} of {rs} dests)"
        return [cell] + ["-"] * (len(ROWS) - 1)
    secs, cpu_s = float(r["window_s"]), float(r["cpu_s"])
    conns, answers = int(r["conns"]), int(r["http_answers"])
    cpu = f"{r['cpu_pct']} % ({cpu_s:.2f} s in {secs:.1f} s)"
    if r["status"] == "exited":
        cpu += ", exited during the window"
    opens = int(r["opens"])
    checks = f"{opens / secs:.0f} /s"
    seen = f"{conns / secs:.0f} conn/s"
    if answers:
        seen += f", {answers / secs:.0f} HTTP answers/s"
    per_check = f"{1000 * cpu_s / opens:.2f} ms" if opens else "no checks"
    procs = r["procs"]
    return [
        f"{r['converge_s']} s",
        cpu,
        checks,
        seen,
        per_check,
        f"{mib(r['rss_kb'])} ({procs} process{'es' if procs != '1' else ''})",
        mib(r["hwm_kb"]),
        f"{r['dests_end']} of {rs}",
        f"{r['guest_busy_pct']} %",
        f"{r['listener_cpu_pct']} %",
        f"{r['syn_retrans']} / {r['listen_drops']} / {r['connect_fails']}",
    ]


ROWS = [
    "start → all destinations in IPVS",
    "CPU, share of one core",
    "connections opened (the kernel's count of checks)",
    "seen by the listener",
    "daemon CPU per check",
    "RSS (VmRSS) at the end",
    "peak RSS (VmHWM)",
    "destinations in IPVS at the end",
    "guest busy (all vCPUs)",
    "listener CPU, share of one core",
    "guest TCP: SYN retransmits / listen drops / failed connects",
]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: hc_bench_report.py OUT_DIR")
    out = sys.argv[1]
    env = {}
    with open(os.path.join(out, "env")) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("=")
            env[k] = v
    with open(os.path.join(out, "results.tsv")) as f:
        runs = list(csv.DictReader(f, delimiter="\t"))
    rs = env.get("rs", "?")
    print(f"{rs} real servers over {env.get('vs', '?')} virtual servers, delay_loop 1; "
          f"window {env.get('window', '?')} s after {env.get('settle', '?')} s of settling; "
          f"guest kernel {env.get('kernel', '?')}, {env.get('cpus', '?')} vCPU(s); "
          f"{env.get('vigild', '?')}"
          + (f" with {env['vigild_args']}" if env.get("vigild_args") else "")
          + f"; {env.get('keepalived', '?')}")
    for check in dict.fromkeys(r["check"] for r in runs):
        these = [r for r in runs if r["check"] == check]
        print()
        print(f"| {CHECK_NAMES.get(check, check)} | " +
              " | ".join(r["daemon"] for r in these) + " |")
        print("|---|" + "---|" * len(these))
        cells = [rows_for(r, rs) for r in these]
        for i, name in enumerate(ROWS):
            print(f"| {name} | " + " | ".join(c[i] for c in cells) + " |")


if __name__ == "__main__":
    main()
