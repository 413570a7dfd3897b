"""The HTTP half of `make bench`: one nginx, three backends behind it, wrk
through nginx on each route, one table.

Backends: totpgate (the release binary) on its default SQLite store and on
PostgreSQL (the throwaway server of scripts/postgres-sandbox, whose URL
TOTPGATE_TEST_POSTGRES_URL holds; only the routes that reach the store), the
C floor (bench/floor), and the tutorial's Flask app (bench/flask_app under
gunicorn, one sync worker per core). Each route runs on each backend in turn, the backends interleaved
within each repeat so that noise on this shared machine falls on all of
them alike; the table shows medians over the repeats. Every response is
checked by the wrk scripts in bench/wrk (status and a body or header marker).

Beside them, Apache with totpgate as its FastCGI authorizer (the same
totpgate process, on a TCP port next to its socket, as
apache/totpgate-authorizer.conf has it): a small file behind the
authorizer, and the same file without it, for Apache's own cost.

Run by bench/run, which builds what this needs; see bench/README.md.
"""
import argparse
import concurrent.futures
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import http.client
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import pyotp

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
# The binary `make install` ships: release, with the Swift runtime linked in.
TOTPGATE = ROOT / ".build-install" / "release" / "totpgate"
PASSWORD = "bench-password-2fa"
BENCH_USER = "bench"   # enrolled: the logged-in session of /home and /auth (the floor's fixed name too)
FRESH_USER = "fresh"   # not enrolled: the enrolment session of /qr
DEADLINE = 20          # seconds a process may take to start or stop
PERIOD = 30            # TOTP step


# ---------------------------------------------------------------- processes

class Processes:
    """Every process this run starts, stopped (SIGTERM, then SIGKILL) on the way out."""

    def __init__(self):
        self.started = []

    def start(self, name, command, log, cleanup=None, **kwargs):
        """Starts `command`; `cleanup` runs once the process has stopped."""
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, **kwargs)
        self.started.append((name, process, cleanup))
        return process

    def stop_all(self):
        for _, process, _ in reversed(self.started):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for name, process, cleanup in reversed(self.started):
            try:
                process.wait(timeout=DEADLINE)
            except subprocess.TimeoutExpired:
                print(f"web: {name} did not stop on SIGTERM; killing it", file=sys.stderr)
                process.kill()
                process.wait()
            if cleanup:
                cleanup()


def wait_for(predicate, what, process=None):
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        if predicate():
            return
        if process is not None and process.poll() is not None:
            raise SystemExit(f"web: {what}: the process exited with {process.returncode}")
        time.sleep(0.05)
    raise SystemExit(f"web: timed out waiting for {what}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- HTTP for preparing sessions

class Unavailable(Exception):
    """A backend cannot serve what a route needs (say, POST /login is not there yet)."""


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes
    cookie: str | None  # `totpgate=…` when the response set the session cookie


def fetch(port, method, path, cookie=None, form=None, timeout=DEADLINE):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Cookie": cookie} if cookie else {}
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    set_cookies = [value for name, value in response.getheaders() if name.lower() == "set-cookie"]
    session = next((c.split(";")[0] for c in set_cookies if c.startswith("totpgate=")), None)
    answer = Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read(), session)
    connection.close()
    return answer


def anonymous_session(port):
    """A new visitor's cookie and CSRF token, from the login page."""
    page = fetch(port, "GET", "/")
    match = re.search(rb'name="csrf" value="([^"]+)"', page.body)
    if page.status != 200 or not match or not page.cookie:
        raise Unavailable(f"GET / gave no session ({page.status})")
    return page.cookie, match.group(1).decode()


def log_in(port, user, code=None, expect="/home", timeout=DEADLINE):
    """The session cookie after POST /login (with a code, when given); checks where it leads."""
    cookie, csrf = anonymous_session(port)
    form = {"username": user, "password": PASSWORD, "csrf": csrf, "rd": ""}
    if code:
        form["code"] = code
    answer = fetch(port, "POST", "/login", cookie=cookie, form=form, timeout=timeout)
    location = answer.headers.get("location", "")
    if answer.status != 303 or not location.endswith(expect) or not answer.cookie:
        raise Unavailable(f"POST /login as {user} answered {answer.status} {location!r}, not 303 to {expect}")
    return answer.cookie


# ---------------------------------------------------------------- backends

@dataclass
class Backend:
    name: str
    label: str
    port: int
    socket: Path
    logs_in: bool              # has real accounts (POST /login is measured)
    users: dict = field(default_factory=dict)   # login name -> base32 secret
    process: subprocess.Popen | None = None
    store: str | None = None   # totpgate's --store; None for its default, SQLite in the data directory
    config: str | None = None  # a totpgate config file's text (access rules), given with --config
    routes: set | None = None  # the only routes measured on it; None for every route it serves

    def pids(self):
        """The responder's processes: itself, and its workers (totpgate's, the floor's, gunicorn's)."""
        if self.process is None or self.process.poll() is not None:
            return []
        return [self.process.pid] + children(self.process.pid)


def children(pid):
    """The processes `pid` started, as /proc lists them."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            pass
    return sorted(found)


def settle(backend, limit=15):
    """Waits (at most `limit` s) until the backend is idle: wrk abandons the
    requests in flight when a run ends, and a login queue left behind (up to
    16 scrypt hashes) must not eat into the next run."""
    def cpu_ticks():
        total = 0
        for pid in backend.pids():
            try:
                total += sum(int(v) for v in Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[11:13])
            except OSError:
                pass
        return total

    end = time.monotonic() + limit
    before = cpu_ticks()
    while time.monotonic() < end:
        time.sleep(0.3)
        after = cpu_ticks()
        if after - before <= 2:   # ticks of 10 ms: under 7 % of a core
            return
        before = after


def make_users(count):
    """`count` login users with their own secrets, besides BENCH_USER (enrolled) and FRESH_USER (not)."""
    users = {BENCH_USER: pyotp.random_base32()}
    users.update({f"user{i:04d}": pyotp.random_base32() for i in range(count)})
    return users


def start_totpgate(backend, work, processes, threads, workers, log, authorizer_port=None):
    data = work / f"{backend.name}-data"
    store = ["--store", backend.store] if backend.store else []
    listen = ["--listen", f"127.0.0.1:{authorizer_port}"] if authorizer_port else []

    def add(name, secret):
        command = [str(TOTPGATE), "user", "add", name, "--password-stdin", "--data-dir", str(data), *store]
        if secret:
            command += ["--totp-secret", secret]
        subprocess.run(command, input=PASSWORD + "\n", text=True, check=True, stdout=subprocess.DEVNULL, timeout=DEADLINE)

    add(BENCH_USER, backend.users[BENCH_USER])  # creates the data directory and keys, alone
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count()) as pool:
        jobs = [pool.submit(add, name, secret) for name, secret in backend.users.items() if name != BENCH_USER]
        jobs.append(pool.submit(add, FRESH_USER, None))
        for job in jobs:
            job.result()
    config = []
    if backend.config:
        (work / f"{backend.name}.conf").write_text(backend.config)
        config = ["--config", str(work / f"{backend.name}.conf")]
    backend.process = processes.start(backend.name, [
        str(TOTPGATE), "serve", "--socket", str(backend.socket), *listen, "--data-dir", str(data), *store, *config,
        "--cookie-secure", "never", "--workers", str(workers), "--threads", str(threads)], log)
    # The master makes the socket at once; the start-up line comes once every worker is ready.
    wait_for(lambda: f"serving on unix:{backend.socket}" in Path(log.name).read_text(), f"{backend.label}'s workers", backend.process)


def access_rules(count):
    """A config file of `count` access rules as a deployment might write them: exact hosts, wildcards and
    path prefixes, every one tried for wrk's requests (Host 127.0.0.1, /auth) and the last one deciding."""
    rules = [f"access = app{i}.example.com/ group:team{i}" for i in range(count - 10)]
    rules += [f"access = *.site{i}.example.org/ any fresh=10m" for i in range(5)]
    rules += [f"access = 127.0.0.1/admin{i}/ group:admins" for i in range(4)]
    rules.append("access = 127.0.0.1/ any")
    assert len(rules) == count
    return "".join(rule + "\n" for rule in rules) + "default-access = deny\n"


def start_floor(backend, work, processes, threads, workers, log):
    backend.process = processes.start("floor", [str(BENCH / "out" / "bin" / "floor"), str(backend.socket), str(threads),
                                                str(workers)], log)
    wait_for(backend.socket.exists, "the C floor's socket", backend.process)


def start_flask(backend, work, processes, workers, log):
    sys.path.insert(0, str(BENCH / "flask_app"))
    from app import create_users  # the tutorial app's own helper; imported here, run in gunicorn
    database = work / "flask.db"
    create_users(database, [(name, PASSWORD, secret, True) for name, secret in backend.users.items()]
                 + [(FRESH_USER, PASSWORD, pyotp.random_base32(), False)])
    environment = dict(os.environ, BENCH_FLASK_DB=str(database), BENCH_FLASK_SECRET=secrets.token_hex(32))
    backend.process = processes.start("gunicorn", [
        str(BENCH / ".venv" / "bin" / "gunicorn"), "--workers", str(workers), "--worker-class", "sync",
        "--bind", f"unix:{backend.socket}", "--chdir", str(BENCH / "flask_app"), "app:app"], log, env=environment)
    wait_for(lambda: backend.socket.exists() and len(backend.pids()) == 1 + workers, "gunicorn's workers", backend.process)


def start_nginx(backends, work, processes, log):
    run = work / "nginx"
    run.mkdir()
    config = (BENCH / "nginx.conf").read_text().replace("@RUN@", str(run))
    for backend in backends:
        config = config.replace(f"@{backend.name.upper()}_PORT@", str(backend.port))
        config = config.replace(f"@{backend.name.upper()}_SOCKET@", str(backend.socket))
    (run / "nginx.conf").write_text(config)
    nginx = processes.start("nginx", ["nginx", "-p", str(run), "-c", str(run / "nginx.conf"), "-e", str(run / "nginx-error.log")], log)

    def answering():
        try:
            return all(fetch(b.port, "GET", "/").status == 200 for b in backends)
        except OSError:
            return False

    wait_for(answering, "nginx and every backend to answer GET /", nginx)


APACHE_CONFIG = """\
ServerRoot {run}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {run}/apache2.pid
DefaultRuntimeDir {run}
Mutex file:{run} default
ErrorLog {run}/apache-error.log
LogLevel warn
User www-data
Group www-data
{modules}
TypesConfig /etc/mime.types
# The authorizer as apache/totpgate-authorizer.conf defines it.
AuthnzFcgiDefineProvider authnz totpgate fcgi://127.0.0.1:{authorizer_port}/
Alias /protected/ {files}/
Alias /open/ {files}/
<Directory {files}/>
    Require all granted
</Directory>
<Location /protected/>
    AuthType totpgate
    AuthName "two-factor login"
    AuthnzFcgiCheckAuthnProvider totpgate Authoritative On RequireBasicAuth Off UserExpr "%{{reqenv:REMOTE_USER}}"
    Require valid-user
</Location>
"""
APACHE_MODULES = ["mpm_event", "authz_core", "authn_core", "authz_user", "alias", "mime", "authnz_fcgi"]
PROTECTED_PAGE = "<!doctype html><title>Protected</title><p>a protected page\n"


def start_apache(work, processes, authorizer_port, log):
    """Debian's apache2 on a free port: /protected/page.html behind totpgate's
    authorizer, /open/page.html the same file without it. Its workers run as
    www-data, so the file lives in a directory they may read."""
    run = work / "apache"
    run.mkdir()
    files = Path(tempfile.mkdtemp(prefix="totpgate-bench-"))
    files.chmod(0o711)
    (files / "page.html").write_text(PROTECTED_PAGE)
    port = free_port()
    (run / "apache2.conf").write_text(APACHE_CONFIG.format(
        run=run, port=port, authorizer_port=authorizer_port, files=files,
        modules="\n".join(f"LoadModule {m}_module /usr/lib/apache2/modules/mod_{m}.so" for m in APACHE_MODULES)))
    apache = processes.start("apache2", ["/usr/sbin/apache2", "-d", str(run), "-f", str(run / "apache2.conf"), "-DFOREGROUND"],
                             log, cleanup=lambda: shutil.rmtree(files, ignore_errors=True))

    def answering():
        try:
            return fetch(port, "GET", "/open/page.html").status == 200
        except OSError:
            return False

    wait_for(answering, "apache2", apache)
    return port


# ---------------------------------------------------------------- peak RSS

class RSSSampler:
    """Polls VmRSS (and its anonymous part, RssAnon) of every backend process
    while a wrk run goes on; keeps each process's peak per phase."""

    INTERVAL = 0.05

    def __init__(self, backends):
        self.backends = backends
        self.peaks = {}          # (phase, VmRSS or RssAnon, backend name, pid) -> KiB
        self.phase = None
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    @staticmethod
    def status_kib(pid, field_name):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
        except OSError:
            pass
        return None

    def run(self):
        while not self.stopping.wait(self.INTERVAL):
            phase = self.phase
            if phase is None:
                continue
            for backend in self.backends:
                for pid in backend.pids():
                    for field_name in ("VmRSS", "RssAnon"):
                        kib = self.status_kib(pid, field_name)
                        if kib is not None:
                            key = (phase, field_name, backend.name, pid)
                            self.peaks[key] = max(self.peaks.get(key, 0), kib)

    @contextlib.contextmanager
    def sampling(self, phase):
        """Samples while the block runs (a wrk run), and not while sessions are prepared."""
        self.phase = phase
        try:
            yield
        finally:
            self.phase = None

    def stop(self):
        self.stopping.set()
        self.thread.join()


# ---------------------------------------------------------------- wrk

@dataclass
class Route:
    key: str
    title: str
    path: str
    session: str | None        # None, "full" or "enrol": which cookie to send
    status: int = 200
    body: str = ""
    header: str = ""
    floor: bool = True         # whether the C floor has this route
    store: bool = True         # whether it reaches the store (run on PostgreSQL too)


GET_ROUTES = [
    Route("login_page", "GET /", "/", None, body='name="csrf"', store=False),
    Route("home", "GET /home", "/home", "full", body=f"Welcome, {BENCH_USER}"),
    Route("auth", "GET /auth (logged in)", "/auth", "full", header=f"X-Auth-User: {BENCH_USER}"),
    Route("auth_anonymous", "GET /auth (anonymous)", "/auth", None, status=401, store=False),
    Route("qr", "GET /qr (enrolment)", "/qr", "enrol", body="IEND", header="Content-Type: image/png"),
]
# totpgate as Apache's FastCGI authorizer (through the Apache port), and the
# same file without the authorizer: Apache's own share.
AUTHORIZER_ROUTES = [
    Route("apache_open", "Apache, file, no authorizer", "/open/page.html", None, body="a protected page"),
    Route("authorizer", "Apache authorizer, logged in", "/protected/page.html", "full", body="a protected page"),
    Route("authorizer_anonymous", "Apache authorizer, anon.", "/protected/page.html", None, status=302,
          header="Location: /?rd=%2Fprotected%2Fpage.html"),
]
LOGIN_ROUTE = Route("login", "POST /login", "/login", None, status=303, header="Location: /home", floor=False)
# The mixed run: /auth under the usual load while a few connections log in at the same time.
MIXED_AUTH_ROUTE = Route("mixed_auth", "GET /auth during logins", "/auth", "full", header=f"X-Auth-User: {BENCH_USER}",
                         floor=False)
MIXED_LOGIN_ROUTE = Route("mixed_login", "POST /login beside /auth", "/login", None, status=303,
                          header="Location: /home", floor=False)


def probe(port, route, cookie):
    """One request checked as the wrk scripts check; Unavailable when the route does not answer right.

    Returns the session cookie as a browser holds it after the request: the
    responder re-issues it when its activity stamp is old (totpgate: after 60 s),
    and a run with the old one would measure that renewal on every request."""
    answer = fetch(port, "GET", route.path, cookie=cookie)
    if answer.status != route.status:
        raise Unavailable(f"answers {answer.status}, not {route.status}")
    if route.body and route.body.encode() not in answer.body:
        raise Unavailable(f"the body lacks {route.body!r}")
    if route.header:
        name, text = (part.strip() for part in route.header.split(":", 1))
        if text not in answer.headers.get(name.lower(), ""):
            raise Unavailable(f"header {name} is {answer.headers.get(name.lower())!r}, not {text!r}")
    return answer.cookie if cookie and answer.cookie else cookie


def wrk(port, route, settings, out, label, cookie=None, logins=None, connections=None, threads=None, background=False):
    """Runs wrk (or starts it, with `background`) and returns its parsed `result` line."""
    connections = connections or settings.connections
    threads = min(threads or settings.wrk_threads, connections)
    script = BENCH / "wrk" / ("login.lua" if logins else "check.lua")
    environment = dict(os.environ, BENCH_WRK_DIR=str(BENCH / "wrk"), BENCH_STATUS=str(route.status),
                       BENCH_BODY=route.body, BENCH_HEADER=route.header, BENCH_COOKIE=cookie or "",
                       BENCH_LOGINS=str(logins or ""), BENCH_WRK_THREADS=str(threads),
                       BENCH_METHOD="POST" if logins else "GET")
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{settings.duration}s", "--timeout", "10s",
               "-s", str(script), f"http://127.0.0.1:{port}{route.path}"]
    log = out / "wrk" / f"{label}.txt"
    log.parent.mkdir(exist_ok=True)
    process = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def finish():
        output, _ = process.communicate(timeout=settings.duration + 60)
        log.write_text(" ".join(command) + "\n" + output)
        line = next((l for l in output.splitlines() if l.startswith("result ")), None)
        if process.returncode != 0 or line is None:
            raise SystemExit(f"web: wrk failed ({label}); see {log}")
        return json.loads(line[len("result "):])

    return finish if background else finish()


def prepare_logins(backend, file, steps):
    """One line per login for bench/wrk/login.lua: for every user, codes of `steps` steps from now."""
    now = int(time.time()) // PERIOD
    lines = []
    for name, secret in backend.users.items():
        if name == BENCH_USER:
            continue
        totp = pyotp.TOTP(secret)
        for step in range(now, now + steps):
            cookie, csrf = anonymous_session(backend.port)
            lines.append(f"{name} {PASSWORD} {cookie} {csrf} {step} {totp.at(step * PERIOD)}\n")
    file.write_text("".join(lines))
    return file


# ---------------------------------------------------------------- the run

@dataclass
class Settings:
    connections: int
    wrk_threads: int
    duration: int
    repeats: int
    responder_threads: int
    responder_workers: int
    flask_workers: int
    login_users: int
    mixed_login_connections: int
    login_connections: int


def measure(backends, settings, out, apache_port):
    """Runs every route on every backend; returns the wrk results, what was skipped and why, and peak RSS."""
    results = []   # {route, backend, repeat, ...wrk result}
    skipped = {}   # (route, backend) -> why
    sampler = RSSSampler(backends)
    sessions = {}

    def session(backend, kind):
        if kind is None:
            return None
        if backend.name == "floor":
            return "totpgate=floor"   # the floor checks only that a cookie is there
        if (backend.name, kind) not in sessions:
            try:
                if kind == "full":
                    code = pyotp.TOTP(backend.users[BENCH_USER]).now()
                    sessions[backend.name, kind] = log_in(backend.port, BENCH_USER, code)
                else:
                    sessions[backend.name, kind] = log_in(backend.port, FRESH_USER, expect="/enroll")
            except Unavailable as error:
                sessions[backend.name, kind] = error
        if isinstance(sessions[backend.name, kind], Unavailable):
            raise sessions[backend.name, kind]
        return sessions[backend.name, kind]

    def record(route, backend, repeat, result):
        settle(backend)
        results.append(dict(route=route.key, backend=backend.name, repeat=repeat, **result))
        bad = result["wrong"] + result["socket_errors"] + result["timeouts"]
        print(f"  {route.title:<26} {backend.label:<9} #{repeat}: {result['rps']:9.1f} req/s  "
              f"p50 {result['p50_us'] / 1000:7.2f} ms  p99 {result['p99_us'] / 1000:8.2f} ms"
              + (f"  {bad} WRONG, e.g. {result['samples'][:1]}" if bad else ""), flush=True)

    def skip(route, backend, error):
        if (route.key, backend.name) not in skipped:
            skipped[route.key, backend.name] = str(error)
            print(f"  {route.title:<26} {backend.label:<9} skipped: {error}", flush=True)

    def rotated(items, repeat):
        return items[repeat % len(items):] + items[:repeat % len(items)]

    for route in GET_ROUTES:
        for repeat in range(settings.repeats):
            for backend in rotated(backends, repeat):
                if ((backend.name == "floor" and not route.floor) or (backend.store and not route.store)
                        or (backend.routes is not None and route.key not in backend.routes)
                        or (route.key, backend.name) in skipped):
                    continue
                try:
                    cookie = probe(backend.port, route, session(backend, route.session))
                except Unavailable as error:
                    skip(route, backend, error)
                    continue
                with sampler.sampling("get"):
                    result = wrk(backend.port, route, settings, out, f"{route.key}-{backend.name}-{repeat}", cookie=cookie)
                record(route, backend, repeat, result)

    # totpgate behind Apache: its process, its sessions, Apache's port.
    totpgate = backends[0]
    for route in AUTHORIZER_ROUTES:
        for repeat in range(settings.repeats):
            try:
                cookie = probe(apache_port, route, session(totpgate, route.session))
            except Unavailable as error:
                skip(route, totpgate, error)
                break
            with sampler.sampling("get"):
                result = wrk(apache_port, route, settings, out, f"{route.key}-{repeat}", cookie=cookie)
            record(route, totpgate, repeat, result)

    # Codes for the whole login phase: two runs per repeat and backend, a new step each 30 s, plus slack.
    logging_in = [b for b in backends if b.logs_in]
    steps = 3 + (2 * settings.repeats * len(logging_in) * (settings.duration + 2)) // PERIOD
    files = {}
    for backend in logging_in:
        try:
            session(backend, "full")   # one login that must work before thousands are prepared
            files[backend.name] = prepare_logins(backend, out / f"logins-{backend.name}.txt", steps)
        except Unavailable as error:
            for route in (LOGIN_ROUTE, MIXED_AUTH_ROUTE):
                skip(route, backend, error)
    logging_in = [b for b in logging_in if b.name in files]
    for repeat in range(settings.repeats):
        for backend in rotated(logging_in, repeat):
            with sampler.sampling("login"):
                result = wrk(backend.port, LOGIN_ROUTE, settings, out, f"login-{backend.name}-{repeat}",
                             logins=files[backend.name], connections=settings.login_connections)
            record(LOGIN_ROUTE, backend, repeat, result)
    for repeat in range(settings.repeats):
        for backend in rotated(logging_in, repeat):
            cookie = probe(backend.port, MIXED_AUTH_ROUTE, session(backend, "full"))
            with sampler.sampling("login"):
                logins = wrk(backend.port, MIXED_LOGIN_ROUTE, settings, out, f"mixed-login-{backend.name}-{repeat}",
                             logins=files[backend.name], connections=settings.mixed_login_connections, background=True)
                auth = wrk(backend.port, MIXED_AUTH_ROUTE, settings, out, f"mixed-auth-{backend.name}-{repeat}", cookie=cookie)
                logins = logins()
            record(MIXED_AUTH_ROUTE, backend, repeat, auth)
            record(MIXED_LOGIN_ROUTE, backend, repeat, logins)
    sampler.stop()

    # backend -> pid -> {"get": peak VmRSS under the GET load, "get_anon": its RssAnon, "login": …, "hwm": VmHWM at the end}
    rss = {}
    for (phase, field_name, name, pid), kib in sampler.peaks.items():
        rss.setdefault(name, {}).setdefault(str(pid), {})[phase + ("_anon" if field_name == "RssAnon" else "")] = kib
    for backend in backends:
        for pid in backend.pids():
            rss.setdefault(backend.name, {}).setdefault(str(pid), {})["hwm"] = RSSSampler.status_kib(pid, "VmHWM")
    return results, skipped, rss


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="directory for raw output (bench/out/…)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8, help="totpgate --threads, and the C floor's threads per process")
    parser.add_argument("--workers", type=int, default=max(2, os.cpu_count()),
                        help="totpgate --workers (its default), and the C floor's processes")
    parser.add_argument("--flask-workers", type=int, default=os.cpu_count())
    parser.add_argument("--login-users", type=int, default=300, help="users logging in, per backend")
    parser.add_argument("--mixed-login-connections", type=int, default=4)
    # Logins are CPU-bound (scrypt): more connections than cores only queue. totpgate
    # hashes on one thread per core with a short queue and answers 503 beyond it
    # (what nginx's limit_req would shape anyway), so logins run at 4 connections.
    parser.add_argument("--login-connections", type=int, default=4)
    arguments = parser.parse_args()
    settings = Settings(arguments.connections, arguments.wrk_threads, arguments.duration, arguments.repeats,
                        arguments.threads, arguments.workers, arguments.flask_workers, arguments.login_users,
                        arguments.mixed_login_connections, arguments.login_connections)
    out = arguments.out.resolve()
    work = out / "work"
    work.mkdir(parents=True)

    postgres = os.environ.get("TOTPGATE_TEST_POSTGRES_URL")
    if not postgres:
        raise SystemExit("web: TOTPGATE_TEST_POSTGRES_URL is not set: run `make bench`, which starts a throwaway "
                         "PostgreSQL (scripts/postgres-sandbox run bench/run …)")
    users = make_users(settings.login_users)
    backends = [
        Backend("totpgate", "totpgate", free_port(), work / "totpgate.sock", True, dict(users)),
        Backend("floor", "C floor", free_port(), work / "floor.sock", False),
        Backend("flask", "Flask", free_port(), work / "flask.sock", True, dict(users)),
        Backend("totpgate_pg", "totpgate+PG", free_port(), work / "totpgate-pg.sock", True, dict(users), store=postgres),
        # /auth with 50 access rules, the one that lets the request through the last of them.
        Backend("totpgate_rules", "totpgate+50 rules", free_port(), work / "totpgate-rules.sock", False,
                {BENCH_USER: users[BENCH_USER]}, config=access_rules(50), routes={"auth"}),
    ]
    processes = Processes()
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    # SIGTERM (and Ctrl-C) unwind through `finally`, so everything started is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        with open(out / "backends.log", "w") as log:
            started = time.monotonic()
            authorizer_port = free_port()
            start_totpgate(backends[0], work, processes, settings.responder_threads, settings.responder_workers, log,
                           authorizer_port)
            start_floor(backends[1], work, processes, settings.responder_threads, settings.responder_workers, log)
            start_flask(backends[2], work, processes, settings.flask_workers, log)
            start_totpgate(backends[3], work, processes, settings.responder_threads, settings.responder_workers, log)
            start_totpgate(backends[4], work, processes, settings.responder_threads, settings.responder_workers, log)
            start_nginx(backends, work, processes, log)
            apache_port = start_apache(work, processes, authorizer_port, log)
            print(f"web: backends up in {time.monotonic() - started:.0f} s (users created); measuring", flush=True)
            results, skipped, rss = measure(backends, settings, out, apache_port)
    finally:
        processes.stop_all()
    (out / "results.json").write_text(json.dumps({
        "settings": settings.__dict__,
        # The machine is shared: its load when the run began and ended says how noisy the numbers are.
        "load_average": {"before": load_before, "after": Path("/proc/loadavg").read_text().split()[:3]},
        "backends": {b.name: b.label for b in backends},
        "main_pids": {b.name: b.process.pid for b in backends},
        "results": results,
        "skipped": [{"route": r, "backend": b, "why": why} for (r, b), why in skipped.items()],
        "rss_kib": rss,
    }, indent=1))


if __name__ == "__main__":
    main()
