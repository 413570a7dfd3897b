"""`make soak`: totpgate (the release binary make install ships, its default
workers and threads) behind nginx for 10 minutes: 64 connections on `/` and
`/auth` (wrk, every response checked), a login every 2 seconds beside them,
and the resident memory of the master and each worker sampled every 10 s.

Passes with 0 wrong responses, 0 failed logins, no worker restarted, and
memory that stays flat: each process's lowest sample of the last minute
within 2 MiB of its lowest of the second (a login's scrypt takes 32 MiB for
the moment it runs, so the lowest samples show what stays). Prints one
report, a line per minute; everything stays in bench/out/soak-<UTC time>/.

Run by `make soak` after the build; `--duration SECONDS` for a short look.
"""
import argparse
import json
import os
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pyotp

sys.path.insert(0, str(Path(__file__).resolve().parent))
import web  # noqa: E402  (the benchmark's process, HTTP and login helpers)

ROOT = web.ROOT
SAMPLE_EVERY = 10         # seconds between memory samples
LOGIN_EVERY = 2           # seconds between logins
WARM_UP = 60              # seconds before the sample that later ones are compared with
LOGIN_USERS = 40          # each logs in every 80 s: a new 30 s step (and code) each time
# A login waits for a password-hashing thread, at nice 19 behind the load: as
# long as the login queue lets it (login-queue-timeout, 30 s), and then some.
LOGIN_TIMEOUT = 45
FLAT_MIB = 2.0


def start(work, processes, log):
    """totpgate with a data directory of users, and nginx/dev.conf in front; returns (port, master process, users)."""
    data, socket = work / "data", work / "totpgate.sock"
    users = {web.BENCH_USER: pyotp.random_base32()}
    users.update({f"soak{i:03d}": pyotp.random_base32() for i in range(LOGIN_USERS)})
    for name, secret in users.items():
        subprocess.run([str(web.TOTPGATE), "user", "add", name, "--password-stdin", "--totp-secret", secret,
                        "--data-dir", str(data)], input=web.PASSWORD + "\n", text=True, check=True,
                       stdout=subprocess.DEVNULL, timeout=web.DEADLINE)
    master = processes.start("totpgate", [str(web.TOTPGATE), "serve", "--socket", str(socket), "--data-dir", str(data),
                                          "--cookie-secure", "never"], log)
    web.wait_for(lambda: "serving on" in Path(log.name).read_text(), "totpgate's workers", master)

    port, run = web.free_port(), work / "nginx"
    run.mkdir()
    config = (ROOT / "nginx" / "dev.conf").read_text()
    for placeholder, value in {"@ROOT@": ROOT, "@RUN@": run, "@PORT@": port, "@SOCKET@": socket}.items():
        config = config.replace(placeholder, str(value))
    (run / "nginx.conf").write_text(config)
    nginx = processes.start("nginx", ["nginx", "-p", str(run), "-c", str(run / "nginx.conf"), "-e", str(run / "error.log")], log)

    def answering():
        try:
            return web.fetch(port, "GET", "/").status == 200
        except OSError:
            return False

    web.wait_for(answering, "nginx", nginx)
    return port, master, users


def wrk(port, path, seconds, connections, out, label, cookie=None, header=None, body=None):
    """wrk in the background through bench/wrk/check.lua; returns a function giving its result."""
    environment = dict(os.environ, BENCH_WRK_DIR=str(web.BENCH / "wrk"), BENCH_STATUS="200",
                       BENCH_COOKIE=cookie or "", BENCH_HEADER=header or "", BENCH_BODY=body or "")
    raw = open(out / f"wrk-{label}.txt", "w")
    process = subprocess.Popen(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
                                "-s", str(web.BENCH / "wrk" / "check.lua"), f"http://127.0.0.1:{port}{path}"],
                               env=environment, stdout=raw, stderr=subprocess.STDOUT)

    def result():
        process.wait(timeout=seconds + 60)
        raw.close()
        line = next(line for line in (out / f"wrk-{label}.txt").read_text().splitlines() if line.startswith("result "))
        return json.loads(line[len("result "):])

    return process, result


class Logins(threading.Thread):
    """A login (password and code, one POST) every LOGIN_EVERY seconds, the users in turn."""

    def __init__(self, port, users, until):
        super().__init__(daemon=True)
        self.port, self.until = port, until
        self.users = [(name, secret) for name, secret in users.items() if name != web.BENCH_USER]
        self.done, self.failed = 0, []

    def run(self):
        turn = 0
        while time.monotonic() < self.until:
            name, secret = self.users[turn % len(self.users)]
            turn += 1
            try:
                web.log_in(self.port, name, code=pyotp.TOTP(secret).now(), timeout=LOGIN_TIMEOUT)
                self.done += 1
            except (web.Unavailable, OSError) as error:
                self.failed.append(f"{name}: {error}")
            time.sleep(LOGIN_EVERY)


def rss_mib(pid):
    kib = web.RSSSampler.status_kib(pid, "VmRSS")
    return None if kib is None else kib / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=600, help="seconds of load (default 600)")
    arguments = parser.parse_args()
    out = ROOT / "bench" / "out" / f"soak-{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}"
    (out / "work").mkdir(parents=True)
    processes = web.Processes()
    lines = []
    try:
        with open(out / "totpgate.log", "w") as log:
            port, master, users = start(out / "work", processes, log)
            cookie = web.log_in(port, web.BENCH_USER, code=pyotp.TOTP(users[web.BENCH_USER]).now())
            workers = web.children(master.pid)
            begun = time.monotonic()
            page = wrk(port, "/", arguments.duration, 32, out, "page", body='name="csrf"')
            auth = wrk(port, "/auth", arguments.duration, 32, out, "auth", cookie=cookie, header=f"X-Auth-User: {web.BENCH_USER}")
            logins = Logins(port, users, begun + arguments.duration)
            logins.start()
            samples = []   # (seconds since the start, {pid: MiB})
            while time.monotonic() - begun < arguments.duration:
                samples.append((round(time.monotonic() - begun), {pid: rss_mib(pid) for pid in [master.pid] + web.children(master.pid)}))
                time.sleep(SAMPLE_EVERY)
            results = {"/": page[1](), "/auth": auth[1]()}
            (out / "samples.json").write_text(json.dumps(samples))
            logins.join(timeout=LOGIN_EVERY + web.DEADLINE)
            restarted = web.children(master.pid) != workers
        lines += report(arguments.duration, results, logins, samples, master.pid, restarted)
    finally:
        processes.stop_all()
    (out / "report.txt").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"(raw output in {out})")
    sys.exit(0 if lines[-1].startswith("soak: passed") else 1)


def report(duration, results, logins, samples, master_pid, restarted):
    lines = [f"totpgate soak, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores: {duration} s, "
             f"64 connections (32 on /, 32 on /auth), a login every {LOGIN_EVERY} s", ""]
    wrong = 0
    for path, result in results.items():
        bad = result["wrong"] + result["socket_errors"] + result["timeouts"]
        wrong += bad
        lines.append(f"{path:<6} {result['requests']:>10} requests  {result['rps']:>8.0f} req/s  p50 {result['p50_us'] / 1000:.2f} ms  "
                     f"p99 {result['p99_us'] / 1000:.2f} ms  max {result['max_us'] / 1000:.1f} ms  wrong {bad}")
    lines.append(f"logins {logins.done:>10} done  failed {len(logins.failed)}{'' if not logins.failed else ': ' + logins.failed[0]}")
    lines.append("")
    pids = list(samples[0][1])
    lines.append("RSS, lowest-highest sample of each minute (MiB)")
    lines.append("minute  " + "".join(f"{('master ' if pid == master_pid else 'worker ') + str(pid):>18}" for pid in pids))
    minutes = {}
    for seconds, rss in samples:
        minutes.setdefault(seconds // 60, []).append(rss)
    for minute, rows in minutes.items():
        cells = []
        for pid in pids:
            values = [row.get(pid) or 0 for row in rows]
            cells.append(f"{min(values):>10.1f}-{max(values):<6.1f}")
        lines.append(f"{minute + 1:>6}  " + "".join(f"{cell:>18}" for cell in cells))
    lowest = lambda rows, pid: min(row.get(pid) or 0 for row in rows)
    second, last = minutes.get(1, minutes[0]), minutes[max(minutes)]
    growth = {pid: lowest(last, pid) - lowest(second, pid) for pid in pids}
    flat = all(change <= FLAT_MIB for change in growth.values())
    lines.append("growth of the lowest sample, second minute to last: "
                 + ", ".join(f"{pid} {change:+.1f} MiB" for pid, change in growth.items()))
    lines.append("")
    problems = [what for what, bad in [("wrong responses", wrong), ("failed logins", len(logins.failed)),
                                       ("a worker restarted", restarted), ("memory grew", not flat)] if bad]
    lines.append("soak: passed" if not problems else "soak: FAILED: " + ", ".join(problems))
    return lines


if __name__ == "__main__":
    main()
