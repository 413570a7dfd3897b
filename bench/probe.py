"""Quick, targeted measurements of totpgate alone behind nginx, for work on
one figure at a time (bench/README.md, "Probing one figure"); `make bench`
stays the comparison with the floor and Flask.

  bench/.venv/bin/python bench/probe.py rss        # peak RSS per process under GET load, and where a worker's pages are
  bench/.venv/bin/python bench/probe.py callgrind  # instructions per request of each GET route
  bench/.venv/bin/python bench/probe.py keepalive  # totpgate and the C floor with and without fastcgi_keep_conn

Both use the release binary (`make release`) and the routes, sessions and
checks of bench/web.py. Every process started is stopped on the way out.
"""
import argparse
import collections
import re
import shutil
import signal
import socket
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pyotp  # noqa: E402

import web  # noqa: E402
from web import BENCH, BENCH_USER, GET_ROUTES, Backend, Processes, Settings  # noqa: E402


def start(work, processes, log, workers, threads):
    """totpgate and nginx in front of it; the backend."""
    backend = Backend("totpgate", "totpgate", web.free_port(), work / "totpgate.sock", True,
                      {BENCH_USER: pyotp.random_base32()})
    web.start_totpgate(backend, work, processes, threads, workers, log)
    run = work / "nginx"
    run.mkdir()
    config = (BENCH / "nginx.conf").read_text().replace("@RUN@", str(run))
    config = config.replace("@TOTPGATE_PORT@", str(backend.port)).replace("@TOTPGATE_SOCKET@", str(backend.socket))
    # The other backends of make bench are not started here: their servers listen, unused.
    config = re.sub(r"@[A-Z_]+_PORT@", lambda _: str(web.free_port()), config)
    config = re.sub(r"@[A-Z_]+_SOCKET@", str(work / "absent.sock"), config)
    (run / "nginx.conf").write_text(config)
    nginx = processes.start("nginx", ["nginx", "-p", str(run), "-c", str(run / "nginx.conf"), "-e",
                                      str(run / "nginx-error.log")], log)
    web.wait_for(lambda: answers(backend), "nginx and totpgate to answer GET /", nginx)
    return backend


def answers(backend):
    try:
        return web.fetch(backend.port, "GET", "/").status == 200
    except OSError:
        return False


def sessions(backend):
    """Route key -> the cookie to send (after one checked request, as web.py's probe does)."""
    full = web.log_in(backend.port, BENCH_USER, pyotp.TOTP(backend.users[BENCH_USER]).now())
    enrol = web.log_in(backend.port, web.FRESH_USER, expect="/enroll")
    cookies = {}
    for route in GET_ROUTES:
        cookie = {"full": full, "enrol": enrol}.get(route.session)
        cookies[route.key] = web.probe(backend.port, route, cookie)
    return cookies


def smaps(pid):
    """Rss and anonymous KiB per mapped file (or [heap], [stack], anonymous) of `pid`."""
    totals = collections.defaultdict(lambda: [0, 0])
    name = None
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        fields = line.split()
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            name = fields[5] if len(fields) > 5 else "(anonymous)"
        elif fields[0] == "Rss:":
            totals[name][0] += int(fields[1])
        elif fields[0] == "Anonymous:":
            totals[name][1] += int(fields[1])
    return totals


def rss(arguments, work, processes, log):
    backend = start(work, processes, log, arguments.workers, arguments.threads)
    cookies = sessions(backend)
    settings = Settings(16, 2, arguments.duration, 1, arguments.threads, arguments.workers, 0, 0, 0, 0)
    sampler = web.RSSSampler([backend])
    for route in GET_ROUTES:
        with sampler.sampling("get"):
            result = web.wrk(backend.port, route, settings, work, route.key, cookie=cookies[route.key])
        bad = result["wrong"] + result["socket_errors"] + result["timeouts"]
        print(f"{route.title:<26} {result['rps']:9.0f} req/s{f'  {bad} WRONG' if bad else ''}")
    sampler.stop()
    master = backend.process.pid
    print("\npeak under GET load (MiB)   VmRSS   RssAnon   VmHWM   now: Pss  Private (smaps_rollup)")
    for pid in backend.pids():
        peak = sampler.peaks.get(("get", "VmRSS", "totpgate", pid), 0)
        anon = sampler.peaks.get(("get", "RssAnon", "totpgate", pid), 0)
        hwm = web.RSSSampler.status_kib(pid, "VmHWM")
        role = "master" if pid == master else "worker"
        rollup = {line.split()[0]: int(line.split()[1]) for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]}
        private = rollup["Private_Clean:"] + rollup["Private_Dirty:"]
        print(f"  {role} {pid:<8}           {peak / 1024:6.1f}   {anon / 1024:6.1f}   {hwm / 1024:6.1f}"
              f"        {rollup['Pss:'] / 1024:6.1f}  {private / 1024:6.1f}")
    worker = max((pid for pid in backend.pids() if pid != master),
                 key=lambda pid: sampler.peaks.get(("get", "VmRSS", "totpgate", pid), 0))
    print(f"\nworker {worker} now, by mapping (KiB)      Rss   of it anonymous")
    for name, (resident, anonymous) in sorted(smaps(worker).items(), key=lambda item: -item[1][0]):
        if resident >= 64:
            print(f"  {name[-40:]:<40} {resident:7d}  {anonymous:7d}")


def instructions(out_file):
    """The instructions a callgrind output counted in all."""
    return int(re.search(r"^summary: (\d+)", Path(out_file).read_text(), re.M).group(1))


def callgrind(arguments, work, processes, log):
    """One worker process under callgrind, serving its own socket behind nginx; per route, its counters
    dumped (callgrind_control) before and after N requests one at a time: what the second dump
    counted, over N, is one request, from accept to close.

    The worker is started here as the master starts one (valgrind cannot follow an exec of
    /proc/self/exe): its listening socket on descriptor 3, a status pipe on 4, and on 5 the shared
    counters of a real master, serving beside it on the same data directory (which logs the
    sessions in)."""
    web.DEADLINE = 300  # start-up runs some 50 times slower under valgrind
    backend = start(work, processes, log, 2, arguments.threads)
    cookies = sessions(backend)
    master = backend.process.pid
    counters = next(f"/proc/{master}/fd/{fd}" for fd in os.listdir(f"/proc/{master}/fd")
                    if os.readlink(f"/proc/{master}/fd/{fd}").startswith("/memfd:"))
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(work / "callgrind.sock"))
    listener.listen(128)
    status_read, status_write = os.pipe()
    counters_fd = os.open(counters, os.O_RDWR)
    inherited = [listener.fileno(), status_write, counters_fd]

    def descriptors():
        # Above the targets first, so no dup2 overwrites a source not yet moved.
        moved = [os.dup(fd) for fd in inherited]
        for target, fd in enumerate(moved, start=3):
            os.dup2(fd, target)

    command = ["valgrind", "--tool=callgrind", "--dump-instr=no", f"--callgrind-out-file={work}/cg.out",
               str(web.TOTPGATE), "serve", "--socket", str(work / "unused.sock"), "--data-dir", str(work / "totpgate-data"),
               "--cookie-secure", "never", "--threads", str(arguments.threads), "--worker-of", str(os.getpid())]
    worker = processes.start("worker under callgrind", command, log, preexec_fn=descriptors, pass_fds=(3, 4, 5))
    os.close(status_write)
    with os.fdopen(status_read) as status:
        report = status.readline()
    if not report.startswith("ready"):
        raise SystemExit(f"probe: the worker under callgrind did not start: {report!r}")
    # nginx's second server (make bench's PostgreSQL one) is pointed at this worker's socket.
    port = web.free_port()
    config = work / "nginx" / "nginx.conf"
    text = config.read_text()
    text = re.sub(r"listen 127.0.0.1:\d+;(\s+location / \{\s+include [^;]+;\s+fastcgi_pass unix:)[^;]*absent.sock;",
                  lambda m: f"listen 127.0.0.1:{port};{m.group(1)}{work / 'callgrind.sock'};", text, count=1)
    config.write_text(text)
    subprocess.run(["nginx", "-p", str(work / "nginx"), "-c", str(config), "-s", "reload"], check=True,
                   stdout=log, stderr=subprocess.STDOUT)
    web.wait_for(lambda: answers(Backend("probe", "", port, work, False)), "nginx to reach the worker under callgrind")
    print(f"{'route':<26} instructions per request (callgrind, {arguments.requests} requests, one worker of "
          f"{arguments.threads} threads)")

    def dump(label):
        subprocess.run(["callgrind_control", "--dump=" + label, str(worker.pid)], check=True, capture_output=True)
        return set(work.glob("cg.out.*"))

    for route in GET_ROUTES:
        if arguments.route and route.key not in arguments.route:
            continue
        # Fetched again now: the worker's slow start may have aged the session past its renewal
        # interval, and a run with a stale cookie would measure its re-signing on every request.
        cookie = web.probe(backend.port, route, cookies[route.key])
        before = dump("before " + route.key)
        for _ in range(arguments.requests):
            answer = web.fetch(port, "GET", route.path, cookie=cookie, timeout=web.DEADLINE)
            if answer.status != route.status:
                raise SystemExit(f"probe: {route.title} answered {answer.status}, not {route.status}")
        dumped = dump(route.key) - before
        counted = sum(instructions(f) for f in dumped)
        if arguments.save:
            arguments.save.mkdir(parents=True, exist_ok=True)
            for f in dumped:
                shutil.copy(f, arguments.save / f"callgrind.{route.key}")
        print(f"{route.title:<26} {counted / arguments.requests / 1000:8.1f}k", flush=True)


KEEPALIVE_CONFIG = """
daemon off;
worker_processes 2;
user root;
pid @RUN@/nginx.pid;
error_log @RUN@/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path @RUN@/client_body;
    fastcgi_temp_path @RUN@/fastcgi;
    proxy_temp_path @RUN@/proxy;
    uwsgi_temp_path @RUN@/uwsgi;
    scgi_temp_path @RUN@/scgi;
@SERVERS@
}
"""


def keepalive(arguments, work, processes, log):
    """totpgate and the C floor, each through nginx without and with `fastcgi_keep_conn on` (an
    upstream keeping up to --keepalive idle connections per nginx worker), the four interleaved
    per repeat: req/s, p99 and the slowest response at each load of --loads connections. totpgate
    serves both from one instance (a kept connection waits in its waiting room, without a thread);
    each floor setting has a floor of its own."""
    backend = start(work, processes, log, arguments.workers, arguments.threads)
    cookies = sessions(backend)
    subprocess.run([str(BENCH / "floor" / "build")], check=True)
    # Two floors: idle kept connections hold a libfcgi thread each, and would starve the other's runs.
    sockets = {("totpgate", False): backend.socket, ("totpgate", True): backend.socket}
    for kept in (False, True):
        sockets["floor", kept] = work / f"floor-{kept}.sock"
        web.start_floor(Backend("floor", "C floor", 0, sockets["floor", kept], False), work, processes,
                        arguments.threads, arguments.workers, log)
    servers, ports = [], {}
    for (name, kept), sock in sockets.items():
        port = web.free_port()
        ports[name, kept] = port
        upstream = f"{name}_{'kept' if kept else 'new'}"
        servers.append(f"    upstream {upstream} {{ server unix:{sock};"
                       + (f" keepalive {arguments.keepalive}; }}" if kept else " }"))
        servers.append(f"    server {{ listen 127.0.0.1:{port}; location / {{ include /etc/nginx/fastcgi_params; "
                       f"fastcgi_pass {upstream};" + (" fastcgi_keep_conn on;" if kept else "") + " } }")
    run = work / "nginx-keepalive"
    run.mkdir()
    (run / "nginx.conf").write_text(KEEPALIVE_CONFIG.replace("@SERVERS@", "\n".join(servers)).replace("@RUN@", str(run)))
    nginx = processes.start("nginx (keep-alive)", ["nginx", "-p", str(run), "-c", str(run / "nginx.conf"), "-e",
                                                   str(run / "nginx-error.log")], log)
    web.wait_for(lambda: all(answers(Backend("", "", port, work, False)) for port in ports.values()),
                 "nginx and both backends to answer", nginx)
    routes = [route for route in GET_ROUTES if route.key in ("auth", "login_page")]
    print(f"wrk -t2 -d{arguments.duration}s, {arguments.workers} processes of {arguments.threads} threads each, "
          f"keepalive {arguments.keepalive} per nginx worker; median of {arguments.repeats} interleaved runs")
    print(f"{'route':<22} {'conns':>5}  {'backend':<9} {'FastCGI connection':<19} {'req/s':>8} {'p99 ms':>8} "
          f"{'max ms':>8}  wrong")
    for route in routes:
        for connections in arguments.loads:
            settings = Settings(connections, 2, arguments.duration, 1, arguments.threads, arguments.workers, 0, 0, 0, 0)
            results = collections.defaultdict(list)
            order = list(ports)
            for repeat in range(arguments.repeats):
                for key in order[repeat % len(order):] + order[:repeat % len(order)]:
                    cookie = cookies[route.key] if key[0] == "totpgate" else ("totpgate=floor" if route.session else None)
                    results[key].append(web.wrk(ports[key], route, settings, work,
                                                f"keepalive-{route.key}-{connections}-{key[0]}-{key[1]}-{repeat}",
                                                cookie=cookie))
            for key in ports:
                runs = sorted(results[key], key=lambda r: r["rps"])
                middle = runs[len(runs) // 2]
                bad = sum(r["wrong"] + r["socket_errors"] + r["timeouts"] for r in runs)
                print(f"{route.title:<22} {connections:>5}  {key[0]:<9} {'kept' if key[1] else 'new per request':<19} "
                      f"{middle['rps']:>8.0f} {middle['p99_us'] / 1000:>8.2f} {max(r['max_us'] for r in runs) / 1000:>8.1f}"
                      f"  {bad}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["rss", "callgrind", "keepalive"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--duration", type=int, default=5, help="rss: seconds of wrk per route")
    parser.add_argument("--requests", type=int, default=200, help="callgrind: requests per route")
    parser.add_argument("--route", action="append", help="callgrind: only this route key (login_page, home, auth, …)")
    parser.add_argument("--save", type=Path, help="callgrind: keep each route's profile here (callgrind_annotate reads it)")
    parser.add_argument("--repeats", type=int, default=3, help="keepalive: interleaved runs of each")
    parser.add_argument("--loads", type=int, nargs="+", default=[4, 16, 64], help="keepalive: wrk connections")
    parser.add_argument("--keepalive", type=int, default=16, help="keepalive: idle connections nginx keeps per worker")
    parser.add_argument("--binary", type=Path, default=web.TOTPGATE, help="the totpgate to measure (a saved copy, say)")
    arguments = parser.parse_args()
    web.TOTPGATE = arguments.binary.resolve()
    if not web.TOTPGATE.exists():
        raise SystemExit(f"probe: {web.TOTPGATE} is missing: run `make release` first")
    web.DEADLINE = 120  # a shared machine under load: user creation (scrypt) and start-up may take a while
    processes = Processes()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory(prefix="totpgate-probe-") as directory:
        work = Path(directory)
        with open(work / "backends.log", "w") as log:
            try:
                {"rss": rss, "callgrind": callgrind, "keepalive": keepalive}[arguments.what](arguments, work, processes, log)
            except BaseException:
                print(f"probe: failed; the backends' log:\n{(work / 'backends.log').read_text()[-3000:]}",
                      file=sys.stderr)
                raise
            finally:
                processes.stop_all()


if __name__ == "__main__":
    main()
