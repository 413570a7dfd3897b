"""README's "Protecting sites with lighttpd", followed step by step as far as
a container allows, on a host set up as Deploy's steps 1 to 4 leave it
(make install, the config's base-path, totpgate serving on the unit's socket).
Each command is a line of that section as written, run with its fixed places
moved under a temporary root. What a container cannot do is done the nearest
way: no systemd, so lighttpd in the foreground; no certbot, so a self-signed
certificate where Let's Encrypt puts one; Debian's /etc/lighttpd copied under
the root, on loopback ports instead of 80 and 443."""
import json
import re
import shutil
import subprocess
import urllib.parse
from pathlib import Path

import pytest
import requests

from conftest import BINARY, DEADLINE, ROOT, free_port, totp, wait_for
from deployments import ALICE_SECRET, LoggedProcess, Upstream, declared_groups, filled_in, replaced, shared_directory
from readme_steps import HOST, Host, ReadmeSection, certificate_where_certbot_puts_it, curl

readme = ReadmeSection("Protecting sites with lighttpd")
deploy = ReadmeSection("Deploy")


@pytest.fixture
def upstream():
    server = Upstream(all_headers=True)
    yield server
    server.stop()


def test_the_lighttpd_section_step_by_step(upstream):
    with shared_directory("totpgate-lighttpd-") as root:
        host = Host(root)
        services = []
        try:
            socket = totpgate_as_deploy_leaves_it(host, services)
            packages()
            tls = certificate_where_certbot_puts_it(root, readme)
            port = lighttpd_site(host, tls, socket, upstream, services)
            readmes_check(host, port, tls)
            alice_reaches_the_file_and_the_app(host, port, tls, upstream)
        finally:
            for started in reversed(services):
                started.close()


def totpgate_as_deploy_leaves_it(host, services):
    """Deploy's steps 1 to 4, as that section's own test follows them: installed,
    mounted at /2fa, serving on the unit's socket for www-data (here as root)."""
    root = host.root
    subprocess.run(["make", "-s", "--no-print-directory", "install", f"INSTALL_BIN={BINARY}",
                    f"PREFIX={root}/usr/local", f"SYSCONFDIR={root}/etc"], cwd=ROOT, check=True,
                   capture_output=True, timeout=120)
    host.run(deploy("sed -i 's|^#base-path = /2fa|base-path = /2fa|' /etc/totpgate/totpgate.conf"))
    config = root / "etc/totpgate/totpgate.conf"
    config.write_text(filled_in(config, {"data-dir = /var/lib/totpgate\n": f"data-dir = {root}/var/lib/totpgate\n"}))
    (root / "var/lib").mkdir(parents=True)
    socket = root / "run/totpgate/totpgate.sock"
    socket.parent.mkdir(parents=True)
    socket.parent.chmod(0o755)
    service = LoggedProcess([str(root / "usr/local/bin/totpgate"), "serve", "--config", str(config), "--socket", str(socket),
                             "--socket-group", "www-data"], root / "totpgate.log")
    services.append(service)
    wait_for(lambda: socket.exists() or service.process.poll() is not None, "totpgate's socket")
    assert service.process.poll() is None, service.output()
    added = subprocess.run([str(root / "usr/local/bin/totpgate"), "user", "add", "alice", "--password-stdin", "--totp-secret",
                            ALICE_SECRET, "--config", str(config)], input="correct horse battery", capture_output=True,
                           text=True, timeout=DEADLINE)
    assert added.returncode == 0, added.stderr
    return socket


def packages():
    """1. nginx makes way (no systemd here), then lighttpd and its TLS module: what install-deps installs for the tests."""
    readme("systemctl disable --now nginx")
    packages = readme("apt-get install -y lighttpd lighttpd-mod-openssl").split()[3:]
    assert set(packages) <= set(declared_groups()["test"]), packages


def debian_lighttpd(root, http_port):
    """/etc/lighttpd as Debian's package lays it out, copied under `root`, its
    own paths moved there and its port 80 a loopback port; and
    lighty-enable-mod, which names /etc/lighttpd itself, likewise."""
    etc = root / "etc/lighttpd"
    shutil.copytree("/etc/lighttpd", etc, symlinks=True)
    for directory in ("var/log/lighttpd", "var/cache/lighttpd/uploads", "var/www/html", "run/lighttpd"):
        (root / directory).mkdir(parents=True, exist_ok=True)
        shutil.chown(root / directory, "www-data", "www-data")
    main = etc / "lighttpd.conf"
    main.write_text(replaced(main.read_text().replace("/etc/lighttpd/", f"{etc}/"), {
        '"/var/log/lighttpd/error.log"': f'"{root}/var/log/lighttpd/error.log"',
        '"/run/lighttpd.pid"': f'"{root}/run/lighttpd/lighttpd.pid"',
        '"/var/cache/lighttpd/uploads"': f'"{root}/var/cache/lighttpd/uploads"',
        '"/var/www/html"': f'"{root}/var/www/html"',
        "server.port                 = 80": f'server.port                 = {http_port}\nserver.bind = "127.0.0.1"',
        'include_shell "/usr/share/lighttpd/use-ipv6.pl " + server.port': "",
    }, main))
    enable = root / "usr/local/bin/lighty-enable-mod"
    enable.write_text(replaced(Path("/usr/sbin/lighty-enable-mod").read_text(),
                               {'my $confdir = "/etc/lighttpd/";': f'my $confdir = "{etc}/";'}, enable))
    enable.chmod(0o755)
    return main


def lighttpd_site(host, tls, socket, upstream, services):
    """3. The configuration, enabled, checked and started: returns the TLS port."""
    root = host.root
    port, http_port = free_port(), free_port()
    main = debian_lighttpd(root, http_port)
    host.run(readme('sed "s/app\\.example\\.com/$host/g" /usr/local/share/doc/totpgate/examples/lighttpd-totpgate-authorizer.conf '
                    '> /etc/lighttpd/conf-available/50-totpgate.conf'))
    site = root / "etc/lighttpd/conf-available/50-totpgate.conf"
    assert "app.example.com" not in site.read_text() and f'$HTTP["host"] == "{HOST}"' in site.read_text()
    private = root / "var/www/private"
    private.mkdir(parents=True)
    (private / "index.html").write_text("the protected page\n")
    # What README leaves as it is and this machine cannot: ports 443 and 8081, the places.
    site.write_text(replaced(site.read_text(), {
        '$SERVER["socket"] == ":443"': f'$SERVER["socket"] == "127.0.0.1:{port}"',
        'include_shell "/usr/share/lighttpd/use-ipv6.pl 443"': "",
        f'$HTTP["host"] == "{HOST}"': f'$HTTP["host"] == "{HOST}:{port}"',
        f"/etc/letsencrypt/live/{HOST}/fullchain.pem": tls[0],
        f"/etc/letsencrypt/live/{HOST}/privkey.pem": tls[1],
        "/run/totpgate/totpgate.sock": socket,
        "/usr/local/share/totpgate/static/": f"{root}/usr/local/share/totpgate/static/",
        "/var/www/private/": f"{private}/",
        '"port" => 8081': f'"port" => {upstream.port}',
    }, site))
    enabled = host.run(readme("lighty-enable-mod totpgate"))
    assert "Enabling totpgate: ok" in enabled and "Enabling fastcgi: ok" in enabled, enabled
    started = readme("lighttpd -tt -f /etc/lighttpd/lighttpd.conf && systemctl start lighttpd")
    host.run(started.partition(" && ")[0])
    services.append(LoggedProcess(["lighttpd", "-D", "-f", str(main)], root / "lighttpd.log"))
    wait_for(lambda: subprocess.run([*curl(port, tls), "-so", "/dev/null", f"https://{HOST}:{port}/2fa/static/totpgate.css"],
                                    timeout=DEADLINE).returncode == 0, "lighttpd")
    return port


def readmes_check(host, port, tls):
    """4. README's curl line, reaching this host on its port."""
    command = readme("curl -sI \"https://$host/private/\" | grep -i '^location'   # /2fa/?rd=%2Fprivate%2F")
    location = host.run(command.replace("curl ", " ".join(curl(port, tls)) + " ", 1)
                        .replace("https://$host/", f"https://$host:{port}/"))
    assert location.strip().lower() == "location: /2fa/?rd=%2fprivate%2f", location


def alice_reaches_the_file_and_the_app(host, port, tls, upstream):
    """alice logs in on the page the site sent her to, and comes back to the
    file; the app learns her name from lighttpd's Forwarded header."""
    browser = requests.Session()
    browser.trust_env = False
    browser.verify = str(tls[0])
    browser.headers["Host"] = f"{HOST}:{port}"
    at = f"https://127.0.0.1:{port}"
    first = browser.get(at + "/private/", allow_redirects=False, timeout=DEADLINE)
    assert first.status_code == 302
    page = browser.get(at + first.headers["Location"], timeout=DEADLINE)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    rd = urllib.parse.parse_qs(urllib.parse.urlsplit(first.headers["Location"]).query)["rd"][0]
    login = browser.post(at + "/2fa/login", data={"csrf": csrf, "username": "alice", "password": "correct horse battery",
                                                  "code": totp(ALICE_SECRET), "rd": rd}, allow_redirects=False,
                         timeout=DEADLINE)
    assert login.status_code == 303 and login.headers["Location"] == "/private/"
    assert browser.get(at + "/private/", timeout=DEADLINE).text == "the protected page\n"
    app = json.loads(browser.get(at + "/app/whoami", timeout=DEADLINE).text)
    assert [value for name, value in app["headers"] if name.lower() == "forwarded"] == \
        ['for=127.0.0.1;proto=https;remote_user="alice"']
    assert len(upstream.received) == 1
