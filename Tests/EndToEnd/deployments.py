"""The deployment examples, run for real: nginx/auth-request.conf and the
apache/ sites, filled in for loopback ports and temporary paths, in front of
totpgate started the way deploy/ starts it (the shipped config file, the
socket on the command line), over TLS with a throwaway certificate."""
import grp
import http.server
import json
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import requests

from conftest import BINARY, DEADLINE, ROOT, Browser, Stack, free_port, terminate, wait_for


def filled_in(template: Path, substitutions: dict) -> str:
    """`template`'s text with each key replaced by its value. Every key must
    occur, so an edit of the example that drops one fails here instead of
    quietly testing something else."""
    text = template.read_text()
    for old, new in substitutions.items():
        assert old in text, f"{template.relative_to(ROOT)} no longer contains {old!r}"
        text = text.replace(old, str(new))
    return text


def self_signed_certificate(directory: Path):
    """A certificate for 127.0.0.1 (and the examples' host names), and its key, valid for a day."""
    certificate, key = directory / "tls.crt", directory / "tls.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "basicConstraints=critical,CA:FALSE",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:app.example.com,DNS:auth.example.com",
                    "-keyout", str(key), "-out", str(certificate)],
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
    (method, path, body length, every X-Auth-User header), and keeps a list."""

    def __init__(self):
        self.received = []
        received = self.received

        class Echo(http.server.BaseHTTPRequestHandler):
            def answer(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                record = {"method": self.command, "path": self.path, "body": len(body),
                          "x-auth-user": self.headers.get_all("X-Auth-User") or []}
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
# As in nginx/dev.conf: workers reach the socket in the private test directory.
user root;
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
        except requests.ConnectionError:
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

    def __init__(self, workdir: Path, tls, upstream: Upstream, settings=()):
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
        config.write_text(shipped_config(self.data, *settings))
        site = filled_in(ROOT / "nginx" / "auth-request.conf", {
            "listen 443 ssl;": f"listen 127.0.0.1:{self.port} ssl;",
            "listen [::]:443 ssl;": "",
            "listen 80;": f"listen 127.0.0.1:{self.http_port};",
            "listen [::]:80;": "",
            "/etc/letsencrypt/live/app.example.com/fullchain.pem": tls[0],
            "/etc/letsencrypt/live/app.example.com/privkey.pem": tls[1],
            "unix:/run/totpgate/totpgate.sock": f"unix:{self.socket}",
            "/usr/local/share/totpgate/static/": f"{ROOT}/www/static/",
            "/var/www/private/": f"{self.private}/",
            "server 127.0.0.1:8081;": f"server 127.0.0.1:{upstream.port};",
        })
        (self.run / "site.conf").write_text(site)
        # The site includes fastcgi_params from nginx's config directory, as in /etc/nginx.
        (self.run / "fastcgi_params").symlink_to("/etc/nginx/fastcgi_params")
        (self.run / "nginx.conf").write_text(NGINX_MAIN.format(run=self.run, site=self.run / "site.conf"))
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
