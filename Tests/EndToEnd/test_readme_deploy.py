"""Issue 11: README's Deploy section, followed step by step as far as a
container allows. Each command run here is a line of that section, found
there as written (so an edit of one that is not made in the other fails
here), then run with its fixed places (/usr/local, /etc/…, /var/…) moved
under a temporary root and `totpgate` the user replaced by a fresh one.
What a container cannot do is done the nearest way: no systemd, so step 4's
spawn-fcgi script; no certbot, so a self-signed certificate where Let's
Encrypt puts one; nginx on loopback ports instead of 80 and 443; and the
already built binary instead of a release build."""
import grp
import os
import re
import shlex
import subprocess
import urllib.parse
from pathlib import Path

import pytest
import requests

from conftest import BINARY, DEADLINE, ROOT, free_port, totp, wait_for
from deployments import (NGINX_MAIN, LoggedProcess, Upstream, declared_groups, on_loopback, self_signed_certificate,
                         shared_directory, system_user)

HOST = "gate.example.org"  # "First name your host": not the example's own


def deploy_section():
    """The commands of README's Deploy section, a continued line joined to the next."""
    section = (ROOT / "README.md").read_text().partition("\n## Deploy\n")[2].partition("\n## ")[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    return [line.strip() for block in blocks for line in block.replace("\\\n", " ").splitlines() if line.strip()]


def readme(command):
    """`command`, which must be one of README's Deploy commands as written."""
    commands = deploy_section()
    assert " ".join(command.split()) in [" ".join(line.split()) for line in commands], \
        f"README's Deploy section no longer says: {command}"
    return command


class Host:
    """The machine being deployed to, rooted at `root`: commands run through
    bash as root, with the places README names moved there."""

    PLACES = ["/usr/local/", "/etc/totpgate/", "/etc/nginx/", "/etc/letsencrypt/", "/var/lib/totpgate", "/var/www/"]

    def __init__(self, root: Path):
        self.root = root
        self.user = "totpgate"
        self.environment = dict(os.environ, host=HOST, PATH=f"{root}/usr/local/bin:{os.environ['PATH']}")

    def here(self, command):
        """`command` with README's places under the root and the service user's name."""
        places = "|".join(re.escape(place) for place in self.PLACES)
        command = re.sub(rf"(?<![\w/.-])({places})", lambda place: f"{self.root}{place.group(1)}", command)
        return re.sub(r"(runuser -u |/usr/sbin/nologin )totpgate\b", rf"\g<1>{self.user}", command)

    def run(self, command, **kwargs):
        """Runs a README command here as root; returns its standard output."""
        result = subprocess.run(["bash", "-c", self.here(command)], env=self.environment, cwd=self.root,
                                capture_output=True, text=True, timeout=120, **kwargs)
        assert result.returncode == 0, f"{command}\n{result.stderr}"
        return result.stdout


def debian_nginx(etc: Path, run: Path):
    """/etc/nginx as Debian lays it out (sites-available, sites-enabled with its
    default site, fastcgi_params), under `etc`, its files written to `run`."""
    for directory in (etc / "sites-available", etc / "sites-enabled", run):
        directory.mkdir(parents=True)
    (etc / "sites-enabled" / "default").write_text("# Debian's default site\n")
    (etc / "fastcgi_params").symlink_to("/etc/nginx/fastcgi_params")
    (etc / "nginx.conf").write_text(NGINX_MAIN.format(user="www-data", run=run, site=etc / "sites-enabled/*"))


def login_page(session, origin, location):
    """The login page `location` leads to: its CSRF token and its rd."""
    page = session.get(urllib.parse.urljoin(origin, location), timeout=DEADLINE)
    assert page.status_code == 200
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    return csrf, re.search(r'name="rd" value="([^"]*)"', page.text).group(1)


@pytest.fixture
def upstream():
    server = Upstream()
    yield server
    server.stop()


def test_the_deploy_section_step_by_step(upstream):
    with shared_directory("totpgate-deploy-") as root:
        services = []
        try:
            follow_the_deploy_section(Host(root), upstream, services)
        finally:
            for service in reversed(services):
                service.close()


def follow_the_deploy_section(host, upstream, services):
    root = host.root
    readme("host=app.example.com")

    # 1. The packages: every one that install-deps puts on a machine for building and running.
    [apt_get] = [line for line in deploy_section() if line.startswith("apt-get install -y --no-install-recommends")]
    groups = declared_groups()
    assert set(groups["build"] + groups["run"]) <= set(apt_get.split()), apt_get

    # 2. Build and install (the built binary: a release build would take minutes here).
    readme("make install")
    subprocess.run(["make", "-s", "--no-print-directory", "install", f"INSTALL_BIN={BINARY}",
                    f"PREFIX={root}/usr/local", f"SYSCONFDIR={root}/etc"], cwd=ROOT, check=True,
                   capture_output=True, timeout=120)

    # 3. The service user and its settings.
    useradd = readme("useradd --system --user-group --home-dir /var/lib/totpgate --shell /usr/sbin/nologin totpgate")

    def make_user(name):
        host.user = name
        return shlex.split(host.here(useradd))

    with system_user(make_user) as user:
        host.run(readme("sed -i 's|^#base-path = /2fa|base-path = /2fa|' /etc/totpgate/totpgate.conf"))
        config = root / "etc/totpgate/totpgate.conf"
        # The one line no command moves: where the data lives.
        config.write_text(config.read_text().replace("data-dir = /var/lib/totpgate\n", f"data-dir = {root}/var/lib/totpgate\n"))
        (root / "var/lib").mkdir(parents=True)

        # 4. Without systemd: the spawn-fcgi example, as root, in the foreground.
        spawn = readme("/usr/local/share/doc/totpgate/examples/totpgate-spawn-fcgi   # … serving on the socket on fd 0 "
                       "… store: SQLite /var/lib/totpgate/totpgate.db")
        socket = root / "run/totpgate/totpgate.sock"
        service = LoggedProcess(["bash", "-c", "exec " + host.here(spawn)], root / "totpgate.log", cwd=root,
                                env=dict(host.environment, TOTPGATE_SOCKET=str(socket), TOTPGATE_USER=user.pw_name))
        services.append(service)
        wait_for(lambda: "serving on" in service.output() or service.process.poll() is not None, "totpgate")
        assert service.process.poll() is None, service.output()
        assert "serving on the socket on fd 0 with" in service.output()
        assert f"store: SQLite {root}/var/lib/totpgate/totpgate.db" in service.output()
        data = (root / "var/lib/totpgate").stat()
        assert (data.st_uid, data.st_mode & 0o777) == (user.pw_uid, 0o700)
        assert socket.stat().st_gid == grp.getgrnam("www-data").gr_gid and socket.stat().st_mode & 0o777 == 0o660

        # 5. A certificate where certbot puts one.
        readme('certbot certonly --standalone -d "$host"')
        live = root / "etc/letsencrypt/live" / HOST
        live.mkdir(parents=True)
        certificate, key = self_signed_certificate(live, hosts=[HOST])
        certificate.rename(live / "fullchain.pem")
        key.rename(live / "privkey.pem")
        tls = (live / "fullchain.pem", live / "privkey.pem")

        # 6. The nginx site, in a Debian layout; nginx's workers run as www-data.
        debian_nginx(root / "etc/nginx", root / "run/nginx")
        host.run(readme('sed "s/app\\.example\\.com/$host/g" /usr/local/share/doc/totpgate/examples/nginx-auth-request.conf '
                        '> /etc/nginx/sites-available/totpgate-gate'))
        host.run(readme("ln -s /etc/nginx/sites-available/totpgate-gate /etc/nginx/sites-enabled/"))
        host.run(readme("rm -f /etc/nginx/sites-enabled/default"))
        assert [path.name for path in (root / "etc/nginx/sites-enabled").iterdir()] == ["totpgate-gate"]
        site = root / "etc/nginx/sites-available/totpgate-gate"
        assert "app.example.com" not in site.read_text() and f"server_name {HOST};" in site.read_text()
        private = root / "var/www/private"
        private.mkdir(parents=True)
        (private / "index.html").write_text("the protected page\n")
        port, http_port = free_port(), free_port()
        site.write_text(on_loopback(site.read_text(), HOST, port, http_port, tls, socket, private, upstream.port))
        readme("nginx -t && systemctl restart nginx")
        nginx_conf = root / "etc/nginx/nginx.conf"
        checked = subprocess.run(["nginx", "-t", "-c", str(nginx_conf)], capture_output=True, text=True, timeout=DEADLINE)
        assert checked.returncode == 0, checked.stderr
        services.append(LoggedProcess(["nginx", "-c", str(nginx_conf), "-e", str(root / "run/nginx/error.log")],
                                      root / "run/nginx/output.log"))
        origin = f"https://{HOST}:{port}"
        curl = ["curl", "--resolve", f"{HOST}:{port}:127.0.0.1", "--cacert", str(tls[0])]

        def reachable():
            return subprocess.run([*curl, "-so", "/dev/null", f"{origin}/2fa/static/totpgate.css"],
                                  timeout=DEADLINE).returncode == 0
        wait_for(reachable, "nginx")

        # 7. The first user, added as the service user.
        added = host.run(readme("runuser -u totpgate -- totpgate user add alice --config /etc/totpgate/totpgate.conf"))
        password = re.search(r"^password: (.+)$", added, re.M).group(1)
        assert all(path.stat().st_uid == user.pw_uid for path in (root / "var/lib/totpgate").iterdir())

        # 8. The README's checks, with curl reaching this host on its port.
        def with_curl(command):
            return host.run(command.replace("curl ", " ".join(map(shlex.quote, curl)) + " ", 1)
                            .replace("https://$host/", f"https://$host:{port}/"))
        location = with_curl(readme("curl -sI \"https://$host/private/\" | grep -i '^location'   # …/2fa/?rd=%2Fprivate%2F"))
        assert location.strip().endswith("/2fa/?rd=%2Fprivate%2F"), location
        status = with_curl(readme("curl -s \"https://$host/2fa/auth\" -o /dev/null -w '%{http_code}\\n'   "
                                  "# 404: only nginx's subrequest reaches it"))
        assert status.strip() == "404"

        # "Then open https://$host/private/ in a browser": alice enrols with the QR code and reaches the app.
        browser = requests.Session()
        browser.trust_env = False
        browser.verify = str(tls[0])
        browser.headers["Host"] = f"{HOST}:{port}"
        at = f"https://127.0.0.1:{port}"
        first = browser.get(at + "/private/", allow_redirects=False, timeout=DEADLINE)
        assert first.status_code == 302
        to_login = urllib.parse.urlsplit(first.headers["Location"])
        assert to_login.netloc == f"{HOST}:{port}"
        csrf, rd = login_page(browser, at, f"{to_login.path}?{to_login.query}")
        assert rd == "/private/"
        login = browser.post(at + "/2fa/login", data={"csrf": csrf, "username": "alice", "password": password, "rd": rd},
                             allow_redirects=False, timeout=DEADLINE)
        assert login.headers["Location"] == "/2fa/enroll"
        enrol = browser.get(at + "/2fa/enroll", timeout=DEADLINE)
        image = root / "qr.png"
        image.write_bytes(browser.get(at + "/2fa/qr", timeout=DEADLINE).content)
        uri = subprocess.run(["zbarimg", "--raw", "-q", str(image)], capture_output=True, text=True, check=True,
                             timeout=DEADLINE).stdout.strip()
        secret = urllib.parse.parse_qs(urllib.parse.urlsplit(uri).query)["secret"][0]
        csrf = re.search(r'name="csrf" value="([^"]+)"', enrol.text).group(1)
        enrolled = browser.post(at + "/2fa/enroll", data={"csrf": csrf, "code": totp(secret)}, allow_redirects=False,
                                timeout=DEADLINE)
        assert enrolled.status_code == 200 and enrolled.text.count('class="recovery-code"') == 10

        assert browser.get(at + "/private/", allow_redirects=False, timeout=DEADLINE).text == "the protected page\n"
        app = browser.get(at + "/app/whoami", allow_redirects=False, timeout=DEADLINE)
        assert app.status_code == 200 and app.json()["x-auth-user"] == ["alice"] and app.json()["cookie"] == []

        # Logout, as the home page offers it, ends access.
        home = browser.get(at + "/2fa/home", timeout=DEADLINE)
        logout = re.search(r'href="([^"]*/logout)"', home.text).group(1)
        assert browser.get(at + logout, allow_redirects=False, timeout=DEADLINE).status_code == 303
        again = browser.get(at + "/private/", allow_redirects=False, timeout=DEADLINE)
        assert again.status_code == 302 and again.headers["Location"].endswith("/2fa/?rd=%2Fprivate%2F")
        assert len(upstream.received) == 1

        assert service.stop() == 0, service.output()
