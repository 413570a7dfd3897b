"""Issue 13: two totpgate hosts on one PostgreSQL behind one nginx upstream.

Each host is a `totpgate serve` with a data directory of its own holding the
same key files, as README "Running on several hosts" sets them up. The
database is one of its own in the throwaway server of
scripts/postgres-sandbox (`make test` runs the tests inside one)."""
import os
import re
import secrets
import shutil
import subprocess
import time
import urllib.parse

import pytest
import requests

from conftest import BINARY, DEADLINE, ROOT, Browser, free_port, post_at_once, terminate, totp, wait_for

SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
SANDBOX = ROOT / "scripts" / "postgres-sandbox"


def sandbox_url():
    """The sandbox server's URL; without one the test fails saying how to run it, unless told to skip."""
    if os.environ.get("TOTPGATE_SKIP_POSTGRES") == "1":
        pytest.skip("TOTPGATE_SKIP_POSTGRES=1")
    url = os.environ.get("TOTPGATE_TEST_POSTGRES_URL")
    if not url:
        pytest.fail("these tests need a PostgreSQL server and TOTPGATE_TEST_POSTGRES_URL is not set: run them with "
                    "`make test`, or `scripts/postgres-sandbox run scripts/e2e`; set TOTPGATE_SKIP_POSTGRES=1 to skip them")
    return url


def psql(url, statement):
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", statement],
                   check=True, capture_output=True, text=True, timeout=DEADLINE)


def with_database(url, name):
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


@pytest.fixture
def database():
    """A database of its own in the sandbox, dropped after the test."""
    url = sandbox_url()
    name = "hosts_" + secrets.token_hex(6)
    psql(url, f"CREATE DATABASE {name}")
    yield with_database(url, name)
    psql(url, f"DROP DATABASE {name} WITH (FORCE)")


class Host:
    """One `totpgate serve` on its own socket and data directory."""

    def __init__(self, name, workdir, store):
        self.name = name
        self.data = workdir / f"data-{name}"
        self.socket = workdir / f"{name}.sock"
        self.store = store
        self.url = None  # the nginx server that reaches only this host
        self.log = open(workdir / f"{name}.log", "w+")
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [str(BINARY), "serve", "--data-dir", str(self.data), "--store", self.store, "--socket", str(self.socket),
             "--cookie-secure", "never"], stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(lambda: self.socket.exists() or self.process.poll() is not None, f"host {self.name}'s socket")
        assert self.process.poll() is None, self.output()

    def totpgate(self, *arguments, input=None):
        """A command on this host's data directory (and store, for the commands that have one)."""
        store = ["--store", self.store] if arguments[0] in ("user", "store") else []
        return subprocess.run([str(BINARY), *arguments, "--data-dir", str(self.data), *store],
                              input=input, capture_output=True, text=True, timeout=DEADLINE)

    def add_user(self, name, secret=SECRET):
        result = self.totpgate("user", "add", name, "--password-stdin", "--totp-secret", secret, input="correct horse battery")
        assert result.returncode == 0, result.stderr

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        terminate(self.process)
        self.log.close()


class Hosts:
    """Hosts A and B behind one nginx: `url` balances over both (an
    `upstream`), `a.url` and `b.url` reach one each."""

    def __init__(self, workdir, store):
        self.run = workdir / "run"
        self.run.mkdir()
        self.a, self.b = Host("a", workdir, store), Host("b", workdir, store)
        self.nginx = None
        try:
            # A makes both keys (keygen makes the secrets key too); B gets copies, as the README tells the admin to do.
            assert self.a.totpgate("keygen").returncode == 0
            self.b.data.mkdir(mode=0o700)
            for key in ("cookie.keys", "secrets.key"):
                shutil.copy2(self.a.data / key, self.b.data / key)
            self.a.start()
            self.b.start()
            self.port, self.a.port, self.b.port = free_port(), free_port(), free_port()
            self.url = f"http://127.0.0.1:{self.port}"
            self.a.url, self.b.url = f"http://127.0.0.1:{self.a.port}", f"http://127.0.0.1:{self.b.port}"
            config = self.run / "nginx.conf"
            config.write_text(self.nginx_config())
            self.nginx = subprocess.Popen(["nginx", "-p", str(self.run), "-c", str(config), "-e", str(self.run / "error.log")],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
            wait_for(lambda: self.answers(self.b.url), "nginx")
        except BaseException:
            self.stop()
            raise

    def nginx_config(self):
        servers = "".join(f"""
            server {{
                listen 127.0.0.1:{port};
                location / {{
                    include /etc/nginx/fastcgi_params;
                    fastcgi_pass {backend};
                }}
            }}""" for port, backend in [(self.port, "hosts"), (self.a.port, f"unix:{self.a.socket}"),
                                         (self.b.port, f"unix:{self.b.socket}")])
        return f"""
            daemon off;
            worker_processes 1;
            user root;
            pid {self.run}/nginx.pid;
            error_log {self.run}/error.log warn;
            events {{ worker_connections 1024; }}
            http {{
                access_log off;
                client_body_temp_path {self.run}/client_body;
                fastcgi_temp_path {self.run}/fastcgi;
                proxy_temp_path {self.run}/proxy;
                uwsgi_temp_path {self.run}/uwsgi;
                scgi_temp_path {self.run}/scgi;
                upstream hosts {{
                    server unix:{self.a.socket};
                    server unix:{self.b.socket};
                }}
                {servers}
            }}"""

    @staticmethod
    def answers(url):
        try:
            requests.get(url + "/", timeout=1)
            return True
        except requests.ConnectionError:
            return False

    def stop(self):
        terminate(self.nginx)
        self.a.stop()
        self.b.stop()


class On:
    """A `Browser`'s cookie jar pointed at one host: the same browser may log
    in on A and then be seen by B."""

    def __init__(self, browser, host):
        self.browser, self.url = browser, host.url

    def get(self, path):
        return self.browser.session.get(self.url + path, allow_redirects=False, timeout=DEADLINE)

    def csrf(self, path):
        match = re.search(r'name="csrf" value="([^"]+)"', self.get(path).text)
        assert match, f"no csrf field on {path}"
        return match.group(1)

    def post(self, path, fields, csrf_from):
        return self.browser.session.post(self.url + path, data={**fields, "csrf": self.csrf(csrf_from)},
                                         allow_redirects=False, timeout=DEADLINE)

    def login(self, name, password="correct horse battery", code=None):
        fields = {"username": name, "password": password, **({"code": code} if code else {})}
        return self.post("/login", fields, csrf_from="/")


@pytest.fixture
def hosts(tmp_path, database):
    hosts = Hosts(tmp_path, database)
    hosts.a.add_user("alice")
    yield hosts
    hosts.stop()


def browser_on(host, source=None):
    return On(Browser(host, source=source), host)


def test_a_session_made_on_a_is_good_on_b(hosts):
    browser = browser_on(hosts.a)
    assert browser.login("alice", code=totp(SECRET)).headers["Location"] == "/home"
    auth = On(browser.browser, hosts.b).get("/auth")
    assert auth.status_code == 200 and auth.headers["X-Auth-User"] == "alice"


def test_one_code_sent_40_times_across_both_hosts_is_accepted_once(hosts):
    browser = browser_on(hosts.a)
    assert browser.login("alice").headers["Location"] == "/login/code"
    results = post_at_once([hosts.a.url + "/login/code", hosts.b.url + "/login/code"] * 20, browser.browser.cookie,
                           {"code": totp(SECRET), "csrf": browser.csrf("/login/code")})
    assert all(status == 303 for status, _ in results), results
    assert sum(1 for _, location in results if location == "/home") == 1


def test_five_failures_on_a_throttle_on_b(hosts):
    for attempt in range(5):
        assert browser_on(hosts.a, source="127.0.0.2").login("alice", password=f"wrong {attempt}").headers["Location"] == "/"
    refused = browser_on(hosts.b, source="127.0.0.2")
    assert refused.login("alice", code=totp(SECRET)).headers["Location"] == "/"  # right password and code
    assert "Too many attempts, try again in" in refused.get("/").text


def test_logout_everywhere_on_b_ends_the_session_on_a_within_a_second(hosts):
    on_a = browser_on(hosts.a)
    assert on_a.login("alice", code=totp(SECRET)).headers["Location"] == "/home"
    assert on_a.get("/auth").status_code == 200  # A has now cached the session as current
    on_b = browser_on(hosts.b)
    # A code of the next step: the one above was used, and a replay would be refused.
    assert on_b.login("alice", code=totp(SECRET, at=int(time.time()) + 30)).headers["Location"] == "/home"
    assert on_b.post("/logout/everywhere", {}, csrf_from="/home").status_code == 303
    # A trusts its cached answer for at most 1 s (SessionRevocations.timeToLive); the margin is for a busy machine.
    wait_for(lambda: on_a.get("/auth").status_code == 401, "A to refuse the ended session", timeout=1 + 4)


def test_a_user_added_with_the_cli_on_a_logs_in_on_b(hosts):
    hosts.a.add_user("carol")
    assert browser_on(hosts.b).login("carol", code=totp(SECRET)).headers["Location"] == "/home"


def test_with_one_host_down_the_balanced_address_logs_in_through_the_other(hosts):
    hosts.a.stop()
    browser = On(Browser(hosts), hosts)
    for _ in range(2):  # both turns of the round robin
        assert browser.get("/").status_code == 200
    assert browser.login("alice", code=totp(SECRET)).headers["Location"] == "/home"
    assert browser.get("/auth").headers["X-Auth-User"] == "alice"


def test_both_hosts_recover_by_themselves_when_the_database_returns(hosts):
    sandbox = os.environ.get("TOTPGATE_POSTGRES_SANDBOX")
    assert sandbox, "TOTPGATE_POSTGRES_SANDBOX names the sandbox to stop and start (scripts/postgres-sandbox sets it)"
    on_b = browser_on(hosts.b)
    # The previous step's code (still in the window), so the codes used after the outage are newer.
    assert on_b.login("alice", code=totp(SECRET, at=int(time.time()) - 30)).headers["Location"] == "/home"
    subprocess.run([str(SANDBOX), "down", sandbox], check=True, timeout=60)
    try:
        for host in (hosts.a, hosts.b):
            assert browser_on(host).get("/").status_code == 200  # the login page needs no database
            refused = browser_on(host).login("alice", code=totp(SECRET))
            assert refused.status_code == 503, refused.status_code
            assert refused.headers["Retry-After"] == "5"
            assert "Temporarily unavailable" in refused.text
            assert host.process.poll() is None
        # A session host A never checked cannot be checked now: /auth fails closed (nginx's auth_request denies a 503).
        auth = On(on_b.browser, hosts.a).get("/auth")
        assert auth.status_code == 503 and "X-Auth-User" not in auth.headers
    finally:
        subprocess.run([str(SANDBOX), "up", sandbox], check=True, timeout=60)
    step = int(time.time()) // 30
    for offset, host in enumerate((hosts.a, hosts.b)):
        browser = browser_on(host)
        code = totp(SECRET, at=(step + offset) * 30)
        wait_for(lambda: browser.login("alice", code=code).headers.get("Location") == "/home",
                 f"host {host.name} to log alice in again", timeout=10)
