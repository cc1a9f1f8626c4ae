#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A steady HTTP client for the LVS labs and the failover bench (runs in the client's
namespace in a VM guest). One process for the whole run: under TCG, starting curl costs about
a second of CPU, far more than a request.

Usage: client.py LOG INTERVAL TIMEOUT URL...
Requests the URLs in turn, one every INTERVAL seconds (a new TCP connection each), each with
TIMEOUT seconds for the whole exchange, until the file LOG.run is gone. Logs one line per
request: "<start, epoch s> <end, epoch s> ok <body>" or "<start> <end> fail <reason>".
"""
import os
import socket
import sys
import time


def fetch(host, port, timeout):
    """One HTTP/1.0 GET /; returns the first line of the body or raises OSError."""
    deadline = time.monotonic() + timeout
    with socket.create_connection((host, port), timeout=timeout) as s:
        s.sendall(b"GET / HTTP/1.0\r\nHost: %s\r\n\r\n" % host.encode())
        data = b""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise OSError("timeout")
            s.settimeout(left)
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = head.split(b"\r\n", 1)[0].split()
    if len(status) < 2 or status[1] != b"200":
        raise OSError("status " + head.split(b"\r\n", 1)[0].decode(errors="replace"))
    return body.decode(errors="replace").strip().split("\n")[0] or "(empty)"


def parse(url):
    """http://HOST[:PORT]/ -> (HOST, PORT)."""
    rest = url.split("://", 1)[-1].split("/", 1)[0]
    host, _, port = rest.partition(":")
    return host, int(port or 80)


def main():
    if len(sys.argv) < 5:
        sys.exit("usage: client.py LOG INTERVAL TIMEOUT URL...")
    log, interval, timeout = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    targets = [parse(u) for u in sys.argv[4:]]
    run = log + ".run"
    with open(log, "a", buffering=1) as out:
        i = 0
        nxt = time.monotonic()
        while os.path.exists(run):
            host, port = targets[i % len(targets)]
            i += 1
            t = time.time()
            try:
                res = "ok " + fetch(host, port, timeout)
            except OSError as e:
                res = "fail " + (str(e) or type(e).__name__).replace("\n", " ")
            out.write("%.3f %.3f %s\n" % (t, time.time(), res))
            nxt += interval
            pause = nxt - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            else:
                nxt = time.monotonic()


if __name__ == "__main__":
    main()
