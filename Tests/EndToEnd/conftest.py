"""Harness for the end-to-end tests: a real nginx in front of a real
`totpgate serve`, on a free loopback port, torn down after each test."""
import base64
import hashlib
import hmac
import os
import re
import signal
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("TOTPGATE_BIN", ROOT / ".build" / "debug" / "totpgate"))
DEADLINE = 10  # seconds any process may take to start or stop


class UsedSecrets:
    """Every password, TOTP secret, code, recovery code and cookie value the
    tests handed to totpgate or got from it, for test_no_secret_in_logs.py,
    which runs last and greps every log of the run for them."""
    values = set()
    codes = set()

    @classmethod
    def remember(cls, *values):
        # Shorter strings (a "wrong 1" password) could turn up in a log by chance.
        cls.values.update(value for value in values if value and len(value) >= 8)


def pytest_collection_modifyitems(items):
    """The grep of the logs runs after every test that wrote them."""
    items.sort(key=lambda item: item.module.__name__ == "test_no_secret_in_logs")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, what, timeout=DEADLINE):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


class Stack:
    """totpgate (socket or spawn-fcgi mode) behind nginx/dev.conf."""

    def __init__(self, workdir: Path, base_path="", spawn_fcgi=False, serve_args=(), nginx_edits=None):
        self.workdir = workdir
        self.base_path = base_path
        self.data = workdir / "data"
        self.run = workdir / "run"
        self.run.mkdir(parents=True, exist_ok=True)
        self.socket = workdir / "totpgate.sock"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}{base_path}"
        self.nginx_edits = nginx_edits or {}
        self.log = open(workdir / "totpgate.log", "w+")
        serve = [str(BINARY), "serve", "--data-dir", str(self.data), "--cookie-secure", "never", *serve_args]
        if base_path:
            serve += ["--base-path", base_path]
        if spawn_fcgi:
            command = ["spawn-fcgi", "-n", "-s", str(self.socket), "-M", "0600", "--", *serve]
        else:
            command = [*serve, "--socket", str(self.socket)]
        self.responder = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        # The master makes the socket at once; its start-up line comes once every worker is ready.
        wait_for(lambda: "serving on" in self.output() or self.responder.poll() is not None, "the responder to serve")
        assert self.responder.poll() is None, self.output()
        self.nginx = subprocess.Popen(
            ["nginx", "-p", str(self.run), "-c", str(self.write_nginx_config()), "-e", str(self.run / "error.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_for(self.answers, "nginx")

    def write_nginx_config(self):
        config = (ROOT / "nginx" / "dev.conf").read_text()
        for text, replacement in self.nginx_edits.items():
            assert text in config, text
            config = config.replace(text, replacement)
        for placeholder, value in {"@ROOT@": ROOT, "@RUN@": self.run, "@PORT@": self.port, "@SOCKET@": self.socket}.items():
            config = config.replace(placeholder, str(value))
        if self.base_path:
            config = config.replace("location /static/ {", f"location {self.base_path}/static/ {{")
            config = config.replace("location / {", f"location {self.base_path}/ {{")
        path = self.run / "nginx.conf"
        path.write_text(config)
        return path

    def answers(self):
        try:
            requests.get(f"http://127.0.0.1:{self.port}/static/totpgate.css", timeout=1)
            return True
        except (requests.ConnectionError, requests.Timeout):  # not up yet, or slow on a loaded machine
            return False

    def get(self, path, **kwargs):
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", DEADLINE)
        return requests.get(self.url + path, **kwargs)

    def post(self, path, **kwargs):
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", DEADLINE)
        return requests.post(self.url + path, **kwargs)

    def totpgate(self, *arguments, input=None):
        """Runs a `totpgate` command on this stack's data directory."""
        return subprocess.run([str(BINARY), *arguments, "--data-dir", str(self.data)], input=input,
                              capture_output=True, text=True, timeout=DEADLINE)

    def add_user(self, name, password="correct horse battery", secret=None):
        arguments = ["user", "add", name, "--password-stdin"]
        if secret:
            arguments += ["--totp-secret", secret]
        result = self.totpgate(*arguments, input=password)
        assert result.returncode == 0, result.stderr
        recovery_codes = [line.split(": ", 1)[1] for line in result.stdout.splitlines() if line.startswith("recovery code: ")]
        UsedSecrets.remember(password, secret, *recovery_codes)
        return recovery_codes

    def browser(self, source=None):
        return Browser(self, source=source)

    def terminate_responder(self):
        """SIGTERM the responder; returns its exit status."""
        self.responder.send_signal(signal.SIGTERM)
        return self.responder.wait(timeout=DEADLINE)

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def wait_for_output(self, text, timeout=DEADLINE):
        """Waits until the responder's log holds `text`; returns the log."""
        wait_for(lambda: text in self.output(), f"{text!r} in the log:\n{self.output()}", timeout)
        return self.output()

    def worker_pids(self):
        """The responder's worker processes (the master's children)."""
        children = []
        for task in Path(f"/proc/{self.responder.pid}/task").glob("*"):
            try:
                children += [int(pid) for pid in (task / "children").read_text().split()]
            except OSError:
                pass
        return sorted(children)

    def stop(self):
        for process in (self.nginx, self.responder):
            terminate(process)
        self.log.close()


def terminate(process):
    """SIGTERM for `process` if it was started and still runs, SIGKILL if it outlives the deadline."""
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            process.kill()


def totp(secret, at=None):
    """The code oathtool (an independent implementation) gives for `secret` now or at `at`."""
    now = int(time.time()) if at is None else at
    result = subprocess.run(["oathtool", "--totp", "--base32", f"--now=@{now}", secret],
                            capture_output=True, text=True, timeout=DEADLINE, check=True)
    code = result.stdout.strip()
    UsedSecrets.remember(secret)
    UsedSecrets.codes.add(code)
    return code


PERIOD = 30  # seconds of a TOTP step


class Phone:
    """The authenticator app: codes from oathtool, each of a newer time step
    than the last one typed, since the server refuses a replayed step."""

    def __init__(self, secret):
        self.secret = secret
        self.last_step = None

    def _next_step(self):
        now = time.time()
        current = int(now) // PERIOD
        # The server takes the steps either side of its own; the one before is
        # safe only early in a step, before the clock moves on past it.
        earliest = current - 1 if now % PERIOD < PERIOD - 10 else current
        step = earliest if self.last_step is None else max(self.last_step + 1, earliest)
        return step if step <= current + 1 else None

    def code(self):
        wait_for(lambda: self._next_step() is not None, "a fresh TOTP step", timeout=PERIOD + 5)
        self.last_step = self._next_step()
        return totp(self.secret, at=self.last_step * PERIOD)

    def wrong_code(self):
        current = int(time.time()) // PERIOD
        valid = {totp(self.secret, at=(current + d) * PERIOD) for d in (-1, 0, 1, 2)}
        return next(code for code in ("000000", "111111", "222222", "333333", "444444") if code not in valid)


def post_at_once(urls, cookie, data):
    """POSTs `data` with the session `cookie` to every one of `urls` at the
    same moment, a thread each; returns each answer's status and Location."""
    barrier = threading.Barrier(len(urls))

    def submit(url):
        client = requests.Session()
        client.cookies.set("totpgate", cookie)
        barrier.wait(timeout=30)
        response = client.post(url, data=data, allow_redirects=False, timeout=30)
        return response.status_code, response.headers.get("Location")

    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        return list(pool.map(submit, urls))


def sign(stack, fields):
    """A session cookie signed with the stack's real key (read from its data
    dir), holding `fields` as SessionCodec lays them out: to prove that expiry,
    not the signature, is what refuses an old session, or to make one due for
    renewal without waiting."""
    key_id, key = (stack.data / "cookie.keys").read_text().split("\n")[0].split(" ")
    secret = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    payload = base64.urlsafe_b64encode("|".join(fields).encode()).rstrip(b"=").decode()
    signed = f"{key_id}.{payload}"
    mac = base64.urlsafe_b64encode(hmac.new(secret, signed.encode(), hashlib.sha256).digest()).rstrip(b"=").decode()
    return f"{signed}.{mac}"


class SourceAddressAdapter(requests.adapters.HTTPAdapter):
    """Connects from a chosen loopback address (127.0.0.2, …), so nginx's
    $remote_addr, and totpgate's REMOTE_ADDR, is that address."""

    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Browser:
    """A client with its own cookie jar, posting forms with their CSRF token;
    from `source` (a loopback address) when given."""

    def __init__(self, stack, source=None):
        self.stack = stack
        self.session = requests.Session()
        # What a browser says of a request it makes from this site's own pages (Fetch Metadata).
        self.session.headers["Sec-Fetch-Site"] = "same-origin"
        if source is not None:
            self.session.mount("http://", SourceAddressAdapter(source))
            self.session.mount("https://", SourceAddressAdapter(source))

    def get(self, path, **kwargs):
        return self.kept(self.session.get(self.stack.url + path, allow_redirects=False, timeout=DEADLINE, **kwargs))

    def kept(self, response):
        """`response`, its cookie values remembered as secrets."""
        UsedSecrets.remember(*(cookie.value for cookie in self.session.cookies))
        return response

    def csrf(self, path="/"):
        page = self.get(path)
        match = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert match, f"no csrf field on {path}: {page.status_code}"
        return match.group(1)

    def post(self, path, fields, csrf_from=None):
        data = dict(fields)
        if csrf_from is not None:
            data["csrf"] = self.csrf(csrf_from)
        return self.kept(self.session.post(self.stack.url + path, data=data, allow_redirects=False, timeout=DEADLINE))

    def login(self, name, password="correct horse battery", code=None, rd=None):
        UsedSecrets.remember(password)
        fields = {"username": name, "password": password}
        if code is not None:
            fields["code"] = code
        if rd is not None:
            fields["rd"] = rd
        return self.post("/login", fields, csrf_from="/")

    @property
    def cookie(self):
        """The session cookie's value, whichever name it has (`__Host-totpgate` over HTTPS, host-only)."""
        return self.session.cookies.get("totpgate") or self.session.cookies.get("__Host-totpgate")


def make_stacks(build):
    """The body of a `make_…` fixture: yields `make(...)`, which returns
    `build(index, ...)`, a new stack; every stack is stopped after the test."""
    stacks = []

    def make(*args, **kwargs):
        stack = build(len(stacks), *args, **kwargs)
        stacks.append(stack)
        return stack

    yield make
    for stack in stacks:
        stack.stop()


@pytest.fixture
def make_stack(tmp_path):
    yield from make_stacks(lambda index, **kwargs: Stack(tmp_path / f"stack{index}", **kwargs))


@pytest.fixture
def stack(make_stack):
    return make_stack()


SCREENSHOTS = Path(os.environ.get("TOTPGATE_SCREENSHOTS", ROOT / ".build" / "screenshots"))


@pytest.fixture
def chrome(tmp_path):
    """Headless Chromium (chrome.py), quit after the test; screenshots go to
    $TOTPGATE_SCREENSHOTS, by default .build/screenshots."""
    from chrome import Chrome  # only the browser tests need Selenium
    browser = Chrome(tmp_path / "chrome", SCREENSHOTS)
    yield browser
    browser.quit()
