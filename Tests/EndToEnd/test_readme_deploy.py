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
import re
import shlex
import subprocess
import urllib.parse
from pathlib import Path

import pytest
import requests

from conftest import BINARY, DEADLINE, ROOT, free_port, totp, wait_for
from deployments import NGINX_MAIN, LoggedProcess, Upstream, declared_groups, on_loopback, shared_directory, system_user
from readme_steps import HOST, Host, ReadmeSection, certificate_where_certbot_puts_it, curl

readme = ReadmeSection("Deploy")

def debian_nginx(etc: Path, run: Path):
    """/etc/nginx as Debian lays it out (sites-available, sites-enabled with its
    default site, fastcgi_params), under `etc`, its files written to `run`."""
    for directory in (etc / "sites-available", etc / "sites-enabled", run):
        directory.mkdir(parents=True)
    (etc / "sites-enabled" / "default").write_text("# Debian's default site\n")
    (etc / "fastcgi_params").symlink_to("/etc/nginx/fastcgi_params")
    (etc / "nginx.conf").write_text(NGINX_MAIN.format(user="www-data", run=run, site=etc / "sites-enabled/*"))


@pytest.fixture
def upstream():
    server = Upstream()
    yield server
    server.stop()


def test_the_deploy_section_step_by_step(upstream):
    with shared_directory("totpgate-deploy-") as root:
        follow_the_deploy_section(Host(root), upstream)


def follow_the_deploy_section(host, upstream):
    root = host.root
    readme("host=app.example.com")

    # 1. The packages: every one that install-deps puts on a machine for building and running.
    [apt_get] = [line for line in readme.commands() if line.startswith("apt-get install -y --no-install-recommends")]
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
        config.write_text(config.read_text().replace("data-dir = /var/lib/totpgate\n",
                                                     f"data-dir = {root}/var/lib/totpgate\n"))
        (root / "var/lib").mkdir(parents=True)
        services = []
        try:
            service, socket = start_without_systemd(host, user, services)
            tls = certificate_where_certbot_puts_it(root, readme)
            port = nginx_site(host, tls, socket, upstream, services)
            password = first_user(host, user)
            readmes_checks(host, port, tls)
            a_browser_enrols_reaches_the_app_and_logs_out(host, port, tls, password, upstream)
            assert service.stop() == 0, service.output()
        finally:
            # Before the user goes: userdel refuses a user whose processes still run.
            for started in reversed(services):
                started.close()


def start_without_systemd(host, user, services):
    """4. The spawn-fcgi example, as root, in the foreground: the started service and its socket."""
    root = host.root
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
    return service, socket


def nginx_site(host, tls, socket, upstream, services):
    """6. The site, in a Debian layout, on loopback ports; nginx's workers run as www-data. Returns the TLS port."""
    root = host.root
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
    wait_for(lambda: subprocess.run([*curl(port, tls), "-so", "/dev/null", f"https://{HOST}:{port}/2fa/static/totpgate.css"],
                                    timeout=DEADLINE).returncode == 0, "nginx")
    return port


def first_user(host, user):
    """7. alice, added as the service user: her generated password."""
    added = host.run(readme("runuser -u totpgate -- totpgate user add alice --config /etc/totpgate/totpgate.conf"))
    assert all(path.stat().st_uid == user.pw_uid for path in (host.root / "var/lib/totpgate").iterdir())
    return re.search(r"^password: (.+)$", added, re.M).group(1)


def readmes_checks(host, port, tls):
    """8. README's curl lines, reaching this host on its port."""
    def run(command):
        return host.run(command.replace("curl ", " ".join(map(shlex.quote, curl(port, tls))) + " ", 1)
                        .replace("https://$host/", f"https://$host:{port}/"))
    location = run(readme("curl -sI \"https://$host/private/\" | grep -i '^location'   # …/2fa/?rd=%2Fprivate%2F"))
    assert location.strip().endswith("/2fa/?rd=%2Fprivate%2F"), location
    status = run(readme("curl -s \"https://$host/2fa/auth\" -o /dev/null -w '%{http_code}\\n'   "
                        "# 404: only nginx's subrequest reaches it"))
    assert status.strip() == "404"


def a_browser_enrols_reaches_the_app_and_logs_out(host, port, tls, password, upstream):
    """"Then open https://$host/private/ in a browser": alice is sent to the
    login, enrols with the QR code (read by zbarimg), reaches the page and the
    app, which learns her name, and after logging out is sent to the login again."""
    browser = requests.Session()
    browser.trust_env = False
    browser.verify = str(tls[0])
    browser.headers["Host"] = f"{HOST}:{port}"
    at = f"https://127.0.0.1:{port}"

    def get(path):
        return browser.get(at + path, allow_redirects=False, timeout=DEADLINE)

    def post(path, form):
        return browser.post(at + path, data=form, allow_redirects=False, timeout=DEADLINE)

    first = get("/private/")
    to_login = urllib.parse.urlsplit(first.headers["Location"])
    assert first.status_code == 302 and to_login.netloc == f"{HOST}:{port}"
    page = get(f"{to_login.path}?{to_login.query}")
    rd = re.search(r'name="rd" value="([^"]*)"', page.text).group(1)
    assert rd == "/private/"
    login = post("/2fa/login", {"csrf": csrf(page), "username": "alice", "password": password, "rd": rd})
    assert login.headers["Location"] == "/2fa/enroll"
    enrol = get("/2fa/enroll")
    image = host.root / "qr.png"
    image.write_bytes(get("/2fa/qr").content)
    uri = subprocess.run(["zbarimg", "--raw", "-q", str(image)], capture_output=True, text=True, check=True,
                         timeout=DEADLINE).stdout.strip()
    secret = urllib.parse.parse_qs(urllib.parse.urlsplit(uri).query)["secret"][0]
    enrolled = post("/2fa/enroll", {"csrf": csrf(enrol), "code": totp(secret)})
    assert enrolled.status_code == 200 and enrolled.text.count('class="recovery-code"') == 10

    assert get("/private/").text == "the protected page\n"
    app = get("/app/whoami")
    assert app.status_code == 200 and app.json()["x-auth-user"] == ["alice"] and app.json()["cookie"] == []

    logout = re.search(r'href="([^"]*/logout)"', get("/2fa/home").text).group(1)  # as the home page offers it
    assert get(logout).status_code == 303
    again = get("/private/")
    assert again.status_code == 302 and again.headers["Location"].endswith("/2fa/?rd=%2Fprivate%2F")
    assert len(upstream.received) == 1


def csrf(page):
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
