#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Failover bench report (bench/failover_bench.sh): reads, per pair, the client's request log
(tests/vm/labs/client.py: "<start> <end> ok|fail ...") and the events file ("<epoch> <name>")
that bench/failover_bench_guest.sh wrote, and prints, per kind of event, the requests that
failed and the longest gap in service: the longest time between two successful requests'
ends, over the window from the event to the next one (the success just before the event
counts as the start).

Usage: failover_report.py DIR PAIR...   (DIR/PAIR.requests and DIR/PAIR.events)
"""
import sys


def load(path):
    with open(path) as f:
        return [line.split(None, 3) for line in f if line.strip()]


def windows(events):
    """[(name, start, end)]: each event to the next one (the last to infinity)."""
    out = []
    for i, (t, name) in enumerate(events):
        end = float(events[i + 1][0]) if i + 1 < len(events) else float("inf")
        out.append((name, float(t), end))
    return out


def measure(reqs, start, end):
    """(requests, failed, longest gap in s) for requests that started in [start, end)."""
    last_ok = None
    for r in reqs:
        if float(r[1]) <= start and r[2] == "ok":
            last_ok = float(r[1])
    n = failed = 0
    gap = 0.0
    for r in reqs:
        s, e = float(r[0]), float(r[1])
        if not start <= s < end:
            continue
        n += 1
        if r[2] != "ok":
            failed += 1
            continue
        if last_ok is not None:
            gap = max(gap, e - last_ok)
        last_ok = e
    return n, failed, gap


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: failover_report.py DIR PAIR...")
    d, pairs = sys.argv[1], sys.argv[2:]
    kinds = ["term", "kill", "back"]
    label = {"term": "graceful switchover (SIGTERM master)",
             "kill": "failover (master links down + SIGKILL)",
             "back": "preemption back (master restarted)"}
    res = {}
    for p in pairs:
        reqs = [r for r in load("%s/%s.requests" % (d, p)) if len(r) >= 3]
        evs = [(t, n) for t, n, *_ in load("%s/%s.events" % (d, p))]
        for name, s, e in windows(evs):
            if name not in kinds:
                continue
            n, failed, gap = measure(reqs, s, e)
            res.setdefault((p, name), []).append((n, failed, gap))
    w = 22
    print("| event | " + " | ".join(pairs) + " |")
    print("|---|" + "---|" * len(pairs))
    for k in kinds:
        cells = []
        for p in pairs:
            runs = res.get((p, k), [])
            if not runs:
                cells.append("-")
                continue
            failed = "/".join(str(f) for _, f, _ in runs)
            gaps = "/".join("%.2f" % g for _, _, g in runs)
            total = "/".join(str(n) for n, _, _ in runs)
            cells.append("failed %s of %s; longest gap %s s" % (failed, total, gaps))
        print("| %s | %s |" % (label[k].ljust(w), " | ".join(cells)))


if __name__ == "__main__":
    main()
