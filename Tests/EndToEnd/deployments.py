"""The deployment examples, run for real: nginx/auth-request.conf and the
apache/ sites, filled in for loopback ports and temporary paths, in front of
totpgate started the way deploy/ starts it (the shipped config file, the
socket on the command line), over TLS with a throwaway certificate."""
import grp
import http.server
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

import requests

from conftest import BINARY, DEADLINE, ROOT, Browser, Stack, free_port, terminate, totp, wait_for


def filled_in(template: Path, substitutions: dict) -> str:
    """`template`'s text with each key replaced by its value. Every key must
    occur, so an edit of the example that drops one fails here instead of
    quietly testing something else."""
    return replaced(template.read_text(), substitutions, template)


def replaced(text, substitutions: dict, source) -> str:
    """`text` (of `source`) with each key replaced by its value; every key must occur."""
    for old, new in substitutions.items():
        assert old in text, f"{source} no longer contains {old!r}"
        text = text.replace(old, str(new))
    return text


def on_loopback(site: str, host, port, http_port, tls, socket, private, upstream_port) -> str:
    """nginx/auth-request.conf's text (with `host` for app.example.com) made
    to run here: loopback ports, the test's certificate, socket, protected
    directory and app; the rest as shipped."""
    return replaced(site, {
        "listen 443 ssl;": f"listen 127.0.0.1:{port} ssl;",
        "listen [::]:443 ssl;": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        f"/etc/letsencrypt/live/{host}/fullchain.pem": tls[0],
        f"/etc/letsencrypt/live/{host}/privkey.pem": tls[1],
        "unix:/run/totpgate/totpgate.sock": f"unix:{socket}",
        "/var/www/private/": f"{private}/",
        "server 127.0.0.1:8081;": f"server 127.0.0.1:{upstream_port};",
    }, "the nginx site")


ALICE_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # the TOTP secret the deployment tests enrol alice with


def logged_in(stack, rd=None):
    """A browser in which alice (enrolled with ALICE_SECRET) has just logged
    in with password and code, and the login's answer."""
    browser = stack.browser()
    response = browser.login("alice", code=totp(ALICE_SECRET), rd=rd)
    assert response.status_code == 303, response.text
    return browser, response


def login_location(response):
    """The path and decoded `rd` of a redirect to the login page."""
    location = urllib.parse.urlsplit(response.headers["Location"])
    return location.path, urllib.parse.parse_qs(location.query).get("rd", [None])[0]


def assert_sent_to_login(stack, response, path):
    """`response`, to an anonymous request for `path`, is a 302 to the login
    page carrying `path` as `rd`, and that page's form carries it on."""
    assert response.status_code == 302, response.text
    assert login_location(response) == ("/2fa/", path)
    page = stack.browser().session.get(urllib.parse.urljoin(stack.origin + path, response.headers["Location"]), timeout=10)
    assert page.status_code == 200
    assert f'name="rd" value="{path.replace("&", "&amp;")}"' in page.text


INSTALL_DEPS = ROOT / "scripts" / "install-deps"


def declared_groups():
    """scripts/install-deps' package groups as its text declares them, read
    independently of bash: `[name]="package …"`, a value possibly running
    over several lines."""
    declaration = re.search(r"declare -A groups=\((.*?)\n\)", INSTALL_DEPS.read_text(), re.S).group(1)
    groups = {name: value.split() for name, value in re.findall(r'\[(\w+)\]="([^"]*)"', declaration)}
    assert set(groups) == {"build", "run", "test", "bench"}
    return groups


def make_install(*variables):
    """`make install` of the already built binary (no release build here)."""
    result = subprocess.run(["make", "-s", "--no-print-directory", "install", f"INSTALL_BIN={BINARY}", *variables],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result


@contextmanager
def shared_directory(prefix):
    """A temporary directory that other users may traverse (mode 0711), as a
    service user and the web server's www-data must: pytest's own are 0700."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o711)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@contextmanager
def system_user(useradd=None):
    """A new system user and its group, standing in for `totpgate`, under a
    name no other test run uses (they run side by side on one machine),
    removed afterwards. `useradd(name)` is the command that makes it."""
    name = "tg-" + secrets.token_hex(4)
    run_as_root(useradd(name) if useradd else ["useradd", "--system", "--user-group", "--no-create-home",
                                               "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name])
    try:
        yield pwd.getpwnam(name)
    finally:
        run_as_root(["userdel", name])


def run_as_root(command, attempts=5):
    """`command` (useradd, userdel), retried while another process holds /etc/passwd's lock."""
    for attempt in range(attempts):
        result = subprocess.run(command, capture_output=True, text=True, timeout=DEADLINE)
        if result.returncode == 0:
            return
        if "lock" not in result.stderr or attempt == attempts - 1:
            raise AssertionError(f"{' '.join(command)}: {result.stderr}")
        time.sleep(0.5)


def unit_settings(unit: Path, key):
    """The values of `key=` in the [Service] section of a systemd unit, in order."""
    from syscall_filter import unit_settings as settings
    return settings(unit.read_text(), key)


class LoggedProcess:
    """A process started with its output going to the file `log_path`."""

    def __init__(self, command, log_path, **options):
        self.log = open(log_path, "w+")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, **options)

    def stop(self, signal_number=signal.SIGTERM):
        """Sends `signal_number`; returns the exit status."""
        self.process.send_signal(signal_number)
        return self.process.wait(timeout=DEADLINE)

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def close(self):
        """Stops the process if it still runs, and closes the log."""
        terminate(self.process)
        self.log.close()


def fastcgi(socket: Path, method, uri, cookie=None, form=None):
    """One request straight to the responder's socket with cgi-fcgi (libfcgi),
    the parameters nginx's fastcgi_params would send over HTTPS; returns
    (status, headers, body) with headers as a list of (name, value)."""
    body = urllib.parse.urlencode(form).encode() if form is not None else b""
    path, _, query = uri.partition("?")
    parameters = {"REQUEST_METHOD": method, "REQUEST_URI": uri, "DOCUMENT_URI": path, "SCRIPT_NAME": path,
                  "QUERY_STRING": query, "REQUEST_SCHEME": "https", "HTTPS": "on", "HTTP_HOST": "127.0.0.1",
                  "REMOTE_ADDR": "127.0.0.1", "CONTENT_LENGTH": str(len(body)), "PATH": os.environ["PATH"]}
    if form is not None:
        parameters["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
    if cookie:
        parameters["HTTP_COOKIE"] = cookie
    answer = subprocess.run(["cgi-fcgi", "-bind", "-connect", str(socket)], env=parameters, input=body,
                            capture_output=True, timeout=DEADLINE)
    assert answer.stdout, f"no answer from {socket}: {answer.stderr.decode()}"
    head, _, content = answer.stdout.partition(b"\r\n\r\n")
    headers = [tuple(line.split(": ", 1)) for line in head.decode().split("\r\n")]
    status = int(dict(headers).get("Status", "200").split()[0])
    return status, headers, content.decode()


def self_signed_certificate(directory: Path, hosts=("app.example.com", "auth.example.com")):
    """A certificate for 127.0.0.1 and `hosts` (the examples' names), and its key, valid for a day."""
    certificate, key = directory / "tls.crt", directory / "tls.key"
    names = ",".join(["IP:127.0.0.1", *(f"DNS:{host}" for host in hosts)])
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "basicConstraints=critical,CA:FALSE",
                    "-addext", f"subjectAltName={names}", "-keyout", str(key), "-out", str(certificate)],
                   check=True, capture_output=True, timeout=DEADLINE)
    return certificate, key


def shipped_config(data: Path, *extra_lines):
    """deploy/totpgate.conf as `make install` ships it, with the data directory
    moved, mounted at /2fa as the web server examples expect, plus `extra_lines`."""
    config = filled_in(ROOT / "deploy" / "totpgate.conf", {
        "data-dir = /var/lib/totpgate": f"data-dir = {data}",
        "#base-path = /2fa": "base-path = /2fa",
    })
    return config + "".join(line + "\n" for line in extra_lines)


class Upstream:
    """The protected app: answers every request with JSON of what reached it
    (method, path, body length, every X-Auth-User, X-Auth-Groups and Cookie
    header, and with `all_headers` every header as a [name, value] pair), and
    keeps a list."""

    def __init__(self, all_headers=False):
        self.received = []
        received = self.received

        class Echo(http.server.BaseHTTPRequestHandler):
            def answer(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                record = {"method": self.command, "path": self.path, "body": len(body),
                          "x-auth-user": self.headers.get_all("X-Auth-User") or [],
                          "x-auth-groups": self.headers.get_all("X-Auth-Groups") or [],
                          "cookie": self.headers.get_all("Cookie") or []}
                if all_headers:
                    record["headers"] = [[name, value] for name, value in self.headers.items()]
                received.append(record)
                data = json.dumps(record).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = answer

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


NGINX_MAIN = """\
daemon off;
worker_processes 1;
# Root, as in nginx/dev.conf, for workers that reach the socket in the
# private test directory; www-data, as Debian's, where they need not.
user {user};
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {run}/client_body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    include {site};
}}
"""


class TLSStack(Stack):
    """A Stack reached over HTTPS: requests check the throwaway certificate."""

    def get(self, path, **kwargs):
        kwargs.setdefault("verify", self.verify)
        return super().get(path, **kwargs)

    def post(self, path, **kwargs):
        kwargs.setdefault("verify", self.verify)
        return super().post(path, **kwargs)

    def browser(self):
        browser = Browser(self)
        # Without this, $REQUESTS_CA_BUNDLE would override the session's own CA.
        browser.session.trust_env = False
        browser.session.verify = self.verify
        return browser

    def fetch(self, method, path, browser=None, **kwargs):
        """`method` on `path` of the whole host (not only totpgate's mount), with `browser`'s cookies."""
        client = browser.session if browser else requests
        kwargs.setdefault("verify", self.verify)
        return client.request(method, self.origin + path, allow_redirects=False, timeout=DEADLINE, **kwargs)

    def answers(self):
        try:
            requests.get(self.origin + "/2fa/static/totpgate.css", verify=self.verify, timeout=1)
            return True
        except (requests.ConnectionError, requests.Timeout):  # not up yet, or slow on a loaded machine
            return False

    def start_responder(self, command):
        self.responder = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        # The master makes the socket at once; its start-up line comes once every worker is ready.
        wait_for(lambda: "serving on" in self.output() or self.responder.poll() is not None, "the responder to serve")
        assert self.responder.poll() is None, self.output()

    def start(self, *steps):
        """Runs `steps` in order; if one fails, stops what the others started before raising."""
        try:
            for step in steps:
                step()
        except BaseException:
            self.stop()
            raise


class GateStack(TLSStack):
    """nginx with nginx/auth-request.conf guarding a static directory and
    `upstream`, totpgate mounted at /2fa/ with the shipped config file."""

    def __init__(self, workdir: Path, tls, upstream: Upstream, settings=(), server_names=()):
        self.workdir = workdir
        self.base_path = "/2fa"
        self.data = workdir / "data"
        self.run = workdir / "run"
        self.run.mkdir(parents=True)
        self.socket = workdir / "totpgate.sock"
        self.port, self.http_port = free_port(), free_port()
        self.origin = f"https://127.0.0.1:{self.port}"
        self.url = self.origin + "/2fa"
        self.verify = str(tls[0])
        self.private = workdir / "private"
        self.private.mkdir()
        (self.private / "secret.txt").write_text("the protected file\n")
        config = workdir / "totpgate.conf"
        # A setting may name the port, not known before: "allowed-redirect-host = app.example.com:{port}".
        config.write_text(shipped_config(self.data, *(setting.format(port=self.port) for setting in settings)))
        site = on_loopback(filled_in(ROOT / "nginx" / "auth-request.conf", {
            "/usr/local/share/totpgate/static/": f"{ROOT}/www/static/",
        }), "app.example.com", self.port, self.http_port, tls, self.socket, self.private, upstream.port)
        # More names for the site's server blocks, as one nginx server guarding several hosts on one port.
        site = site.replace("server_name app.example.com;", " ".join(["server_name app.example.com", *server_names]) + ";")
        (self.run / "site.conf").write_text(site)
        # The site includes fastcgi_params from nginx's config directory, as in /etc/nginx.
        (self.run / "fastcgi_params").symlink_to("/etc/nginx/fastcgi_params")
        (self.run / "nginx.conf").write_text(NGINX_MAIN.format(user="root", run=self.run, site=self.run / "site.conf"))
        self.log = open(workdir / "totpgate.log", "w+")
        self.responder = self.nginx = None
        # The responder as deploy/totpgate.service starts it, then nginx.
        self.start(lambda: self.start_responder([str(BINARY), "serve", "--config", str(config), "--socket", str(self.socket)]),
                   self.start_nginx)

    def start_nginx(self):
        self.nginx = subprocess.Popen(
            ["nginx", "-p", str(self.run), "-c", str(self.run / "nginx.conf"), "-e", str(self.run / "error.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_for(self.answers, "nginx")


APACHE_MAIN = """\
ServerRoot {run}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
Listen 127.0.0.1:{http_port}
PidFile {run}/apache2.pid
DefaultRuntimeDir {run}
Mutex file:{run} default
ErrorLog {run}/error.log
LogLevel warn
# Debian's apache2 runs its workers as www-data (when started as root).
User www-data
Group www-data
{modules}
TypesConfig /etc/mime.types
{server_config}
Include {site}
"""

APACHE_MODULES = ["mpm_event", "authz_core", "alias", "mime", "ssl"]


class ApacheStack(TLSStack):
    """Debian's apache2 with apache/totpgate.conf (mod_proxy_fcgi to the unix
    socket of a totpgate started as the systemd unit does) or, with `fcgid`,
    apache/totpgate-fcgid.conf (mod_fcgid starting totpgate on fd 0 itself),
    totpgate mounted at /2fa/ with the shipped config file.

    Apache's workers run as www-data, so what they use lives in a directory
    outside the private test directory: the socket, a copy of the stylesheet
    and, for mod_fcgid, of the binary, its config and its data directory."""

    def __init__(self, workdir: Path, tls, fcgid=False):
        self.workdir = workdir
        self.base_path = "/2fa"
        self.fcgid = fcgid
        self.run = workdir / "run"
        self.run.mkdir(parents=True)
        self.shared = Path(tempfile.mkdtemp(prefix="totpgate-apache-"))
        self.shared.chmod(0o711)
        shutil.copytree(ROOT / "www" / "static", self.shared / "static")
        self.socket = self.shared / "totpgate.sock"
        self.data = (self.shared if fcgid else workdir) / "data"
        self.port, self.http_port = free_port(), free_port()
        self.origin = f"https://127.0.0.1:{self.port}"
        self.url = self.origin + "/2fa"
        self.verify = str(tls[0])
        config = self.shared / "totpgate.conf"
        config.write_text(shipped_config(self.data))
        config.chmod(0o644)
        substitutions = {
            "<VirtualHost *:443>": f"<VirtualHost *:{self.port}>",
            "<VirtualHost *:80>": f"<VirtualHost *:{self.http_port}>",
            "/etc/letsencrypt/live/auth.example.com/fullchain.pem": tls[0],
            "/etc/letsencrypt/live/auth.example.com/privkey.pem": tls[1],
            "/usr/local/share/totpgate/static/": f"{self.shared}/static/",
        }
        if fcgid:
            binary = self.shared / "totpgate"
            shutil.copy2(BINARY, binary)
            substitutions["/usr/local/bin/totpgate serve --config /etc/totpgate/totpgate.conf"] = f"{binary} serve --config {config}"
            site = filled_in(ROOT / "apache" / "totpgate-fcgid.conf", substitutions)
            modules = APACHE_MODULES + ["fcgid"]
            server_config = f"FcgidIPCDir {self.shared}/fcgid\nFcgidProcessTableFile {self.run}/fcgid_shm"
        else:
            substitutions["unix:/run/totpgate/totpgate.sock|"] = f"unix:{self.socket}|"
            site = filled_in(ROOT / "apache" / "totpgate.conf", substitutions)
            modules = APACHE_MODULES + ["proxy", "proxy_fcgi"]
            server_config = ""
        (self.run / "site.conf").write_text(site)
        (self.run / "apache2.conf").write_text(APACHE_MAIN.format(
            run=self.run, port=self.port, http_port=self.http_port, site=self.run / "site.conf",
            server_config=server_config,
            modules="\n".join(f"LoadModule {name}_module /usr/lib/apache2/modules/mod_{name}.so" for name in modules)))
        self.log = open(workdir / "totpgate.log", "w+")
        self.responder = self.apache = None
        # Under mod_fcgid, Apache starts totpgate; else it runs as deploy/totpgate.service starts it.
        responder = [str(BINARY), "serve", "--config", str(config), "--socket", str(self.socket), "--socket-group", "www-data"]
        self.start(*([] if fcgid else [lambda: self.start_responder(responder)]), self.start_apache)

    def start_apache(self):
        self.apache = subprocess.Popen(
            ["/usr/sbin/apache2", "-d", str(self.run), "-f", str(self.run / "apache2.conf"), "-DFOREGROUND"],
            stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(lambda: self.answers() or self.apache.poll() is not None, "apache2")
        assert self.apache.poll() is None, self.error_log()

    def add_user(self, name, **kwargs):
        codes = super().add_user(name, **kwargs)
        if self.fcgid:
            # totpgate runs as www-data under mod_fcgid: its data directory must be theirs.
            www_data = grp.getgrnam("www-data").gr_gid
            for path in [self.data, *self.data.iterdir()]:
                os.chown(path, www_data, www_data)
        return codes

    def error_log(self):
        return (self.run / "error.log").read_text()

    def stop(self):
        for process in (self.apache, self.responder):
            terminate(process)
        self.log.close()
        shutil.rmtree(self.shared, ignore_errors=True)


PROTECTED_FILE = "the protected file\n"
WIKI_PAGE = "<!doctype html><title>Wiki</title><p>the wiki\n"


def shared_site(prefix):
    """A directory the web server's www-data workers may read (mode 0711, not
    pytest's private 0700): totpgate's stylesheet, the protected static
    directory `private/` with `secret.txt`, and a second site `wiki/`."""
    shared = Path(tempfile.mkdtemp(prefix=prefix))
    shared.chmod(0o711)
    shutil.copytree(ROOT / "www" / "static", shared / "static")
    (shared / "private").mkdir()
    (shared / "private" / "secret.txt").write_text(PROTECTED_FILE)
    (shared / "wiki").mkdir()
    (shared / "wiki" / "index.html").write_text(WIKI_PAGE)
    return shared


class AuthorizerApacheStack(ApacheStack):
    """Debian's apache2 with apache/totpgate-authorizer.conf and
    totpgate-authorizer-vhost.conf as committed: totpgate's pages at /2fa/
    through mod_proxy_fcgi and the unix socket, and every other URL of
    app.example.com (the static directory, `upstream`) and all of
    wiki.example.com (Host header `wiki.example.com:PORT`) asking totpgate
    first, through mod_authnz_fcgi and its TCP port. totpgate runs
    as the systemd unit starts it, with the shipped config, `listen` on a
    free loopback port and `settings`."""

    # Headers an app might take the user from, spelled with hyphens, lower case.
    IDENTITY_HEADERS = {"x-auth-user", "x-auth-groups", "remote-user"}
    MODULES = APACHE_MODULES + ["authn_core", "authz_user", "dir", "headers", "setenvif",
                                "proxy", "proxy_fcgi", "proxy_http", "authnz_fcgi"]

    def __init__(self, workdir: Path, tls, upstream: Upstream, settings=()):
        self.workdir = workdir
        self.base_path = "/2fa"
        self.fcgid = False
        self.run = workdir / "run"
        self.run.mkdir(parents=True)
        self.shared = shared_site("totpgate-authorizer-")
        self.socket = self.shared / "totpgate.sock"
        self.data = workdir / "data"
        self.port, self.http_port, self.authorizer_port = free_port(), free_port(), free_port()
        self.origin = f"https://127.0.0.1:{self.port}"
        self.url = self.origin + "/2fa"
        self.verify = str(tls[0])
        config = workdir / "totpgate.conf"
        config.write_text(shipped_config(self.data, f"listen = 127.0.0.1:{self.authorizer_port}",
                                         *(setting.format(port=self.port) for setting in settings)))
        def on_loopback(host):
            return {
                "<VirtualHost *:443>": f"<VirtualHost *:{self.port}>",
                "<VirtualHost *:80>": f"<VirtualHost *:{self.http_port}>",
                f"/etc/letsencrypt/live/{host}/fullchain.pem": tls[0],
                f"/etc/letsencrypt/live/{host}/privkey.pem": tls[1],
            }

        # Both sites enabled, as a2ensite links them: Apache reads them in name order, the second one first.
        sites = self.run / "sites-enabled"
        sites.mkdir()
        (sites / "totpgate-authorizer.conf").write_text(filled_in(ROOT / "apache" / "totpgate-authorizer.conf", {
            **on_loopback("app.example.com"),
            # This host is also 127.0.0.1, the address the tests use.
            "ServerName app.example.com": "ServerName app.example.com\n    ServerAlias 127.0.0.1",
            "fcgi://127.0.0.1:9000/": f"fcgi://127.0.0.1:{self.authorizer_port}/",
            "unix:/run/totpgate/totpgate.sock|": f"unix:{self.socket}|",
            "/usr/local/share/totpgate/static/": f"{self.shared}/static/",
            "/var/www/private/": f"{self.shared}/private/",
            "http://127.0.0.1:8081/": f"http://127.0.0.1:{upstream.port}/",
        }))
        (sites / "totpgate-authorizer-vhost.conf").write_text(filled_in(ROOT / "apache" / "totpgate-authorizer-vhost.conf", {
            **on_loopback("wiki.example.com"),
            "/var/www/wiki/": f"{self.shared}/wiki/",
        }))
        (self.run / "apache2.conf").write_text(APACHE_MAIN.format(
            run=self.run, port=self.port, http_port=self.http_port, site=sites / "*.conf", server_config="",
            modules="\n".join(f"LoadModule {name}_module /usr/lib/apache2/modules/mod_{name}.so" for name in self.MODULES)))
        self.log = open(workdir / "totpgate.log", "w+")
        self.responder = self.apache = None
        responder = [str(BINARY), "serve", "--config", str(config), "--socket", str(self.socket), "--socket-group", "www-data"]
        self.start(lambda: self.start_responder(responder), self.start_apache)

    @staticmethod
    def user_the_app_saw(record):
        """The user names the app was told, as the example tells it: X-Auth-User."""
        return record["x-auth-user"]


LIGHTTPD_MAIN = """\
# What Debian's /etc/lighttpd/lighttpd.conf sets that matters here, with the
# modules `lighty-enable-mod fastcgi proxy setenv` adds.
server.modules = ("mod_indexfile", "mod_access", "mod_alias", "mod_redirect",
                  "mod_fastcgi", "mod_proxy", "mod_setenv", "mod_staticfile")
server.document-root = "{shared}/empty"
server.upload-dirs = ("{run}")
server.errorlog = "{run}/error.log"
server.pid-file = "{run}/lighttpd.pid"
server.username = "www-data"
server.groupname = "www-data"
server.bind = "127.0.0.1"
server.port = {http_port}
server.http-parseopts = (
  "header-strict" => "enable", "host-strict" => "enable", "host-normalize" => "enable",
  "url-normalize-unreserved" => "enable", "url-normalize-required" => "enable", "url-ctrls-reject" => "enable",
  "url-path-2f-decode" => "enable", "url-path-dotseg-remove" => "enable",
)
index-file.names = ("index.html")
include_shell "/usr/share/lighttpd/create-mime.conf.pl"
include "{site}"
"""


class LighttpdStack(TLSStack):
    """Debian's lighttpd with lighttpd/totpgate-authorizer.conf as committed:
    totpgate's pages at /2fa/ and, as the FastCGI authorizer, every other
    URL of the host (the static directory, `upstream`), both over the unix
    socket of a totpgate started as the systemd unit does, with the shipped
    config and `settings`. lighttpd runs as www-data, as on Debian."""

    # Headers an app might take the user from, spelled with hyphens, lower
    # case: lighttpd's Forwarded, and those of the other examples.
    IDENTITY_HEADERS = {"forwarded", "x-auth-user", "x-auth-groups", "remote-user"}

    def __init__(self, workdir: Path, tls, upstream: Upstream, settings=()):
        self.workdir = workdir
        workdir.mkdir(parents=True)
        self.base_path = "/2fa"
        self.shared = shared_site("totpgate-lighttpd-")
        (self.shared / "empty").mkdir()
        self.run = self.shared / "run"
        self.run.mkdir()
        www_data = pwd.getpwnam("www-data")
        os.chown(self.run, www_data.pw_uid, www_data.pw_gid)
        self.socket = self.shared / "totpgate.sock"
        self.data = workdir / "data"
        self.port, self.http_port = free_port(), free_port()
        self.origin = f"https://127.0.0.1:{self.port}"
        self.url = self.origin + "/2fa"
        self.verify = str(tls[0])
        config = workdir / "totpgate.conf"
        config.write_text(shipped_config(self.data, *(setting.format(port=self.port) for setting in settings)))
        site = filled_in(ROOT / "lighttpd" / "totpgate-authorizer.conf", {
            # This host is also 127.0.0.1, the address the tests use.
            '$HTTP["host"] == "app.example.com"': r'$HTTP["host"] =~ "^(app\.example\.com|127\.0\.0\.1)(:[0-9]+)?$"',
            '$SERVER["socket"] == ":443"': f'$SERVER["socket"] == "127.0.0.1:{self.port}"',
            'include_shell "/usr/share/lighttpd/use-ipv6.pl 443"': "",
            "/etc/letsencrypt/live/app.example.com/fullchain.pem": tls[0],
            "/etc/letsencrypt/live/app.example.com/privkey.pem": tls[1],
            "/run/totpgate/totpgate.sock": self.socket,
            '"port" => 8081': f'"port" => {upstream.port}',
            "/usr/local/share/totpgate/static/": f"{self.shared}/static/",
            "/var/www/private/": f"{self.shared}/private/",
        })
        (self.run / "site.conf").write_text(site)
        main = self.run / "lighttpd.conf"
        main.write_text(LIGHTTPD_MAIN.format(shared=self.shared, run=self.run, http_port=self.http_port,
                                             site=self.run / "site.conf"))
        self.log = open(workdir / "totpgate.log", "w+")
        self.responder = self.lighttpd = None
        responder = [str(BINARY), "serve", "--config", str(config), "--socket", str(self.socket), "--socket-group", "www-data"]
        self.start(lambda: self.start_responder(responder), lambda: self.start_lighttpd(main))

    def start_lighttpd(self, main):
        self.lighttpd = subprocess.Popen(["lighttpd", "-D", "-f", str(main)], stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(lambda: self.answers() or self.lighttpd.poll() is not None, "lighttpd")
        assert self.lighttpd.poll() is None, self.error_log()

    def error_log(self):
        path = self.run / "error.log"
        return path.read_text() if path.exists() else self.output()

    @staticmethod
    def user_the_app_saw(record):
        """The user names the app was told, as the example tells it: remote_user in Forwarded."""
        forwarded = [value for name, value in record["headers"] if name.lower() == "forwarded"]
        return [user for value in forwarded for user in re.findall(r'remote_user="([^"]*)"', value)]

    def stop(self):
        for process in (self.lighttpd, self.responder):
            terminate(process)
        self.log.close()
        shutil.rmtree(self.shared, ignore_errors=True)
