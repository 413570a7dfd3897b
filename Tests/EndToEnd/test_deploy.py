"""Issue 6: `make install`, the systemd unit and the spawn-fcgi example."""
import os
import shutil
import signal
import subprocess

import pytest

from conftest import BINARY, DEADLINE, ROOT, wait_for
from deployments import shipped_config


def make_install(*variables):
    """`make install` of the already built binary (no release build here)."""
    result = subprocess.run(["make", "-s", "--no-print-directory", "install", f"INSTALL_BIN={BINARY}", *variables],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result


def test_make_install_puts_everything_under_destdir_and_prefix(tmp_path):
    root = tmp_path / "root"
    make_install(f"DESTDIR={root}", "PREFIX=/usr")
    modes = {str(path.relative_to(root)): path.stat().st_mode & 0o777 for path in root.rglob("*") if path.is_file()}
    assert modes["usr/bin/totpgate"] == 0o755
    assert modes["usr/share/totpgate/static/totpgate.css"] == 0o644
    assert modes["usr/share/totpgate/templates/login.mustache"] == 0o644
    assert modes["usr/lib/systemd/system/totpgate.service"] == 0o644
    assert modes["etc/totpgate/totpgate.conf"] == 0o644  # no secret in it: the keys live in the data directory
    assert modes["usr/share/doc/totpgate/examples/totpgate-spawn-fcgi"] == 0o755
    for example in ("nginx-auth-request.conf", "apache-totpgate.conf", "apache-totpgate-fcgid.conf"):
        assert modes[f"usr/share/doc/totpgate/examples/{example}"] == 0o644
    unit = (root / "usr/lib/systemd/system/totpgate.service").read_text()
    assert "ExecStart=/usr/bin/totpgate serve --config /etc/totpgate/totpgate.conf --socket /run/totpgate/totpgate.sock" in unit
    assert "/usr/local" not in unit
    nginx = (root / "usr/share/doc/totpgate/examples/nginx-auth-request.conf").read_text()
    assert "alias /usr/share/totpgate/static/;" in nginx
    assert (root / "usr/bin/totpgate").read_bytes() == BINARY.read_bytes()

    # A reinstall keeps the operator's edits to the config file.
    config = root / "etc/totpgate/totpgate.conf"
    config.write_text(config.read_text() + "allowed-redirect-host = app.example.com\n")
    edited = config.read_text()
    make_install(f"DESTDIR={root}", "PREFIX=/usr")
    assert config.read_text() == edited

    subprocess.run(["make", "-s", "uninstall", f"DESTDIR={root}", "PREFIX=/usr"], cwd=ROOT, check=True, timeout=60)
    assert sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()) == ["etc/totpgate/totpgate.conf"]


def test_the_systemd_unit_passes_systemd_analyze_verify(tmp_path):
    # Installed under a PREFIX of its own, so the unit's ExecStart names a binary that exists.
    prefix, config = tmp_path / "usr", tmp_path / "etc"
    make_install(f"PREFIX={prefix}", f"SYSCONFDIR={config}")
    unit = prefix / "lib/systemd/system/totpgate.service"
    result = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    security = subprocess.run(["systemd-analyze", "security", "--offline=yes", "--threshold=20", str(unit)],
                              capture_output=True, text=True, timeout=60)
    assert security.returncode == 0, security.stdout + security.stderr
    # The socket's group is set with chown(2): a filter without it would kill totpgate at start.
    assert "@privileged is included (e.g. chown is allowed)" in security.stdout


def test_the_spawn_fcgi_example_serves_on_fd_0(tmp_path):
    config = tmp_path / "totpgate.conf"
    config.write_text(shipped_config(tmp_path / "data"))
    socket = tmp_path / "run" / "totpgate.sock"
    log = open(tmp_path / "totpgate.log", "w+")
    environment = dict(os.environ, TOTPGATE_BIN=str(BINARY), TOTPGATE_CONFIG=str(config), TOTPGATE_SOCKET=str(socket),
                       TOTPGATE_USER="", TOTPGATE_SOCKET_GROUP="")
    spawned = subprocess.Popen([str(ROOT / "deploy" / "totpgate-spawn-fcgi")], env=environment,
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: socket.exists() or spawned.poll() is not None, "spawn-fcgi's socket")
        assert socket.stat().st_mode & 0o777 == 0o660
        # cgi-fcgi (libfcgi) sends its environment as the request's parameters.
        request = {"PATH": os.environ["PATH"], "REQUEST_METHOD": "GET", "REQUEST_URI": "/2fa/", "SCRIPT_NAME": "/2fa/",
                   "REQUEST_SCHEME": "https"}
        answer = subprocess.run(["cgi-fcgi", "-bind", "-connect", str(socket)], env=request,
                                capture_output=True, text=True, timeout=DEADLINE)
        assert answer.stdout.startswith("Status: 200")
        assert 'action="/2fa/login"' in answer.stdout
        assert "Secure" in answer.stdout  # cookie-secure = always, from the shipped file
        # A worker may answer before the last one is ready and the master logs its start-up line.
        wait_for(lambda: "serving on" in (tmp_path / "totpgate.log").read_text(), "the start-up line")
    finally:
        spawned.send_signal(signal.SIGTERM)
        status = spawned.wait(timeout=DEADLINE)
    log.seek(0)
    output = log.read()
    assert status == 0, output
    assert f"serving on the socket on fd 0 with" in output
    assert f"mounted at /2fa/; store: SQLite {tmp_path}/data/totpgate.db" in output
