#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# vigild's keepalived signals and systemd notifications, end to end: the VRRP
# half (`-P -n`, the host kernel needs no IPVS for it) runs one vrrp_instance on
# a veth in a network namespace this test creates, with NOTIFY_SOCKET pointing
# at a datagram socket bound here. Checks: READY=1 after start; SIGHUP gives
# RELOADING=1 then READY=1, also when the new configuration is rejected;
# SIGUSR1, SIGUSR2 and the JSON signal write keepalived.data/.stats/.json in
# --dump-dir with the instance in them; STATS_CLEAR is handled; SIGTERM gives
# STOPPING=1, exit status 0 and no pid files left. Needs root; otherwise it
# skips (77). Every wait is a bounded poll.
# Addresses: 198.18.2.0/24 and 198.18.102.0/24 inside the namespace only.
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

WAIT = float(os.environ.get("VIGIL_OPS_WAIT", "30"))
VIGILD = os.environ.get("VIGILD", "")

failures = 0


def ok(msg):
    print(f"PASS: {msg}", flush=True)


def bad(msg):
    global failures
    failures += 1
    print(f"FAIL: {msg}", flush=True)


def run(*args):
    subprocess.run(args, check=True)


def poll(pred, limit=WAIT):
    """Calls pred every 0.1 s until it returns something true or limit passes."""
    deadline = time.monotonic() + limit
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.1)


class Notifications:
    """The datagram socket vigild's sd_notify writes to."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.log = []

    def next(self, limit=WAIT):
        """The next message as a dict of its KEY=VALUE lines, or None."""
        self.sock.settimeout(limit)
        try:
            data = self.sock.recv(4096)
        except socket.timeout:
            return None
        fields = dict(
            line.split("=", 1) for line in data.decode().splitlines() if "=" in line
        )
        self.log.append(fields)
        print(f"  .. notify: {fields}", flush=True)
        return fields

    def expect(self, key, what):
        """Reads messages until one has key=1; fails on a timeout."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            m = self.next(max(0.1, deadline - time.monotonic()))
            if m is None:
                break
            if m.get(key) == "1":
                ok(f"{what}: {key}=1 (STATUS={m.get('STATUS', '')!r})")
                return m
        bad(f"{what}: no {key}=1 within {WAIT} s")
        return None


def main():
    if os.geteuid() != 0:
        print("SKIP: needs root (network namespace)")
        return 77
    if not VIGILD or not os.access(VIGILD, os.X_OK):
        print(f"FAIL: no vigild executable ({VIGILD!r})")
        return 1

    work = tempfile.mkdtemp(prefix="vigil-ops-")
    ns = f"vigilops{os.getpid()}"
    proc = None
    keep = False
    try:
        run("ip", "netns", "add", ns)
        run("ip", "-n", ns, "link", "set", "lo", "up")
        run("ip", "-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", "peer0")
        run("ip", "-n", ns, "addr", "add", "198.18.2.1/24", "dev", "eth0")
        run("ip", "-n", ns, "link", "set", "eth0", "up")
        run("ip", "-n", ns, "link", "set", "peer0", "up")

        dumps = os.path.join(work, "dumps")
        os.mkdir(dumps)
        conf = os.path.join(work, "keepalived.conf")
        with open(conf, "w") as f:
            f.write(
                "global_defs {\n  router_id vigil_ops\n}\n"
                "vrrp_instance VI_1 {\n  state MASTER\n  interface eth0\n"
                "  virtual_router_id 51\n  priority 150\n  advert_int 1\n"
                "  virtual_ipaddress {\n    198.18.102.1/32 dev eth0\n  }\n}\n"
            )
        pids = {k: os.path.join(work, f"{k}.pid") for k in ("main", "vrrp", "chk")}
        note = Notifications(os.path.join(work, "notify.sock"))
        env = dict(os.environ, NOTIFY_SOCKET=os.path.join(work, "notify.sock"))
        log = open(os.path.join(work, "vigild.log"), "w")
        # `ip netns exec` execs vigild, so proc.pid is vigild's own pid.
        proc = subprocess.Popen(
            ["ip", "netns", "exec", ns, VIGILD, "-P", "-n", "-l", "-G", "-f", conf,
             "-p", pids["main"], "-r", pids["vrrp"], "-c", pids["chk"],
             "--dump-dir", dumps],
            env=env, stdout=log, stderr=subprocess.STDOUT)

        if note.expect("READY", "start") is None:
            return 1
        for k in ("main", "vrrp"):
            if os.path.exists(pids[k]):
                ok(f"pid file {k} written")
            else:
                bad(f"pid file {k} missing after READY")

        os.kill(proc.pid, signal.SIGHUP)
        m = note.expect("RELOADING", "SIGHUP")
        if m is not None and "MONOTONIC_USEC" not in m:
            bad("RELOADING=1 without MONOTONIC_USEC")
        note.expect("READY", "after the reload")

        # A configuration with errors is rejected: still RELOADING=1, then
        # READY=1 with a STATUS that says so; the running one stays.
        with open(conf) as f:
            good = f.read()
        with open(conf, "w") as f:
            f.write(good.replace("virtual_router_id 51", "virtual_router_id 300"))
        os.kill(proc.pid, signal.SIGHUP)
        note.expect("RELOADING", "SIGHUP with a broken configuration")
        m = note.expect("READY", "after the rejected reload")
        if m is not None and "rejected" not in m.get("STATUS", ""):
            bad(f"rejected reload: STATUS {m.get('STATUS')!r} does not say so")
        with open(conf, "w") as f:
            f.write(good)

        json_sig = int(subprocess.run([VIGILD, "--signum=JSON"], check=True,
                                      capture_output=True, text=True).stdout)
        clear_sig = int(subprocess.run([VIGILD, "--signum=STATS_CLEAR"], check=True,
                                       capture_output=True, text=True).stdout)
        checks = [
            (signal.SIGUSR1, "keepalived.data",
             lambda t: "------< vigild >------" in t and "VRRP subsystem = running" in t,
             lambda t: "VRRP Instance = VI_1" in t and "198.18.102.1" in t),
            (signal.SIGUSR2, "keepalived.stats",
             lambda t: True,
             lambda t: "VRRP Instance: VI_1" in t and "Advertisements:" in t),
            (json_sig, "keepalived.json",
             lambda t: isinstance(json.loads(t), list),
             lambda t: any(i["data"]["iname"] == "VI_1" and i["data"]["vrid"] == 51
                           and "advert_sent" in i["stats"] for i in json.loads(t))),
        ]
        for sig, name, daemon_part, instance_part in checks:
            path = os.path.join(dumps, name)
            os.kill(proc.pid, sig)
            if not poll(lambda: os.path.exists(path)):
                bad(f"signal {sig}: no {name} in --dump-dir within {WAIT} s")
                continue
            with open(path) as f:
                text = f.read()
            try:
                if not daemon_part(text):
                    bad(f"{name}: unexpected content:\n{text}")
                    continue
                if not instance_part(text):
                    bad(f"{name}: vrrp_instance VI_1 missing:\n{text}")
                    continue
            except (ValueError, KeyError, TypeError) as e:
                bad(f"{name}: cannot read it ({e}):\n{text}")
                continue
            ok(f"signal {sig} wrote {name}")
        left = sorted(os.listdir(dumps))
        if left == ["keepalived.data", "keepalived.json", "keepalived.stats"]:
            ok("no temporary files left in --dump-dir")
        else:
            bad(f"--dump-dir holds {left}")

        def json_dump():
            """Asks for a fresh keepalived.json and returns it parsed (or None)."""
            path = os.path.join(dumps, "keepalived.json")
            if os.path.exists(path):
                os.remove(path)
            os.kill(proc.pid, json_sig)
            if not poll(lambda: os.path.exists(path)):
                return None
            with open(path) as f:
                return json.load(f)

        def vi_1(dump):
            return next((i for i in dump or [] if i["data"]["iname"] == "VI_1"), None)

        # Alone on its link VI_1 becomes MASTER (become_master 1); STATS_CLEAR
        # then zeroes that counter while the state stays.
        master = poll(lambda: (lambda i: i if i and i["data"]["state"] == 2 else None)(
            vi_1(json_dump())))
        if master and master["stats"]["become_master"] >= 1:
            ok("VI_1 is MASTER in keepalived.json, become_master "
               f"{master['stats']['become_master']}")
        else:
            bad(f"VI_1 not MASTER with become_master >= 1 within {WAIT} s: {master}")
        os.kill(proc.pid, clear_sig)
        if poll(lambda: "Clearing statistics" in open(os.path.join(work, "vigild.log")).read()):
            ok("STATS_CLEAR handled")
        else:
            bad("STATS_CLEAR: no 'Clearing statistics' in the log")
        after = vi_1(json_dump())
        if after and after["stats"]["become_master"] == 0 and after["data"]["state"] == 2:
            ok("after STATS_CLEAR: become_master 0, still MASTER")
        else:
            bad(f"after STATS_CLEAR: {after}")
        if proc.poll() is None:
            ok("still running after every dump signal")
        else:
            bad(f"vigild exited ({proc.returncode}) after the dump signals")

        os.kill(proc.pid, signal.SIGTERM)
        note.expect("STOPPING", "SIGTERM")
        try:
            rc = proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            bad(f"still running {WAIT} s after SIGTERM")
            rc = None
        if rc == 0:
            ok("exit status 0")
        elif rc is not None:
            bad(f"exit status {rc}")
        proc = None
        left = [k for k, p in pids.items() if os.path.exists(p)]
        if left:
            bad(f"pid files left: {left}")
        else:
            ok("pid files removed")
    except subprocess.CalledProcessError as e:
        bad(f"setup: {e}")
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        subprocess.run(["ip", "netns", "del", ns], check=False)
        if failures:
            keep = True
            logpath = os.path.join(work, "vigild.log")
            if os.path.exists(logpath):
                print("--- vigild.log ---")
                print(open(logpath).read())
            print(f"kept {work}")
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    print("signals_test:", "ok" if failures == 0 else f"{failures} failure(s)")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
