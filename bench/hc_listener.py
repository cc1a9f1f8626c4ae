#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# The one local server behind bench/hc_bench.sh's 10,000 real servers: in the guest it listens
# on 0.0.0.0:PORT, so every address of a prefix routed to lo reaches it. A TCP_CHECK connects and
# closes (we read EOF and close); an HTTP_GET sends a request (we answer 200 with a tiny body
# and close). One thread, epoll, raw descriptors and blocking I/O only after epoll said the
# socket is readable: the fewest syscalls per connection, because under TCG every one is slow.
# Every second it rewrites STATS with "accepted answered" totals (atomic rename), so the bench
# can tell how many checks a daemon really made in its window.
#
# Usage: hc_listener.py ADDR PORT STATS
import os
import select
import socket
import sys
import time

RESPONSE = (b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n"
            b"Connection: close\r\n\r\nok\n")


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: hc_listener.py ADDR PORT STATS")
    addr, port, stats = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind((addr, port))
    lsock.listen(65535)  # the kernel caps it at net.core.somaxconn
    lsock.setblocking(False)
    lfd = lsock.fileno()
    ep = select.epoll()
    ep.register(lfd, select.EPOLLIN)
    accepted = answered = 0
    next_stats = 0.0
    tmp = stats + ".tmp"
    print("ready", flush=True)
    while True:
        for fd, _ in ep.poll(1.0):
            if fd == lfd:
                # Drain the accept queue: one wake-up serves many connections.
                while True:
                    try:
                        cfd, _ = lsock._accept()
                    except (BlockingIOError, InterruptedError):
                        break
                    except OSError:  # EMFILE and the like: let the backlog wait
                        break
                    accepted += 1
                    ep.register(cfd, select.EPOLLIN)
                continue
            try:
                if os.read(fd, 4096):
                    os.write(fd, RESPONSE)
                    answered += 1
            except OSError:
                pass
            os.close(fd)  # also removes it from the epoll set
        now = time.monotonic()
        if now >= next_stats:
            next_stats = now + 1.0
            with open(tmp, "w") as f:
                f.write(f"{accepted} {answered}\n")
            os.rename(tmp, stats)


if __name__ == "__main__":
    main()
