"""Issues 6 and 11: `make install`, the systemd unit and the spawn-fcgi example."""
import grp
import json
import os
import re
import shlex
import shutil
import signal
import subprocess

import pytest

from conftest import BINARY, DEADLINE, ROOT, free_port, totp, wait_for
from deployments import (LoggedProcess, fastcgi, filled_in, make_install, shared_directory, shipped_config,
                         system_user, unit_settings)

SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


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
    assert modes["usr/share/man/man1/totpgate.1"] == 0o644
    for example in ("nginx-auth-request.conf", "apache-totpgate.conf", "apache-totpgate-fcgid.conf",
                    "apache-totpgate-authorizer.conf", "apache-totpgate-authorizer-vhost.conf",
                    "lighttpd-totpgate-authorizer.conf"):
        assert modes[f"usr/share/doc/totpgate/examples/{example}"] == 0o644
    unit = (root / "usr/lib/systemd/system/totpgate.service").read_text()
    assert "ExecStart=/usr/bin/totpgate serve --config /etc/totpgate/totpgate.conf --socket /run/totpgate/totpgate.sock" in unit
    assert "/usr/local" not in unit
    nginx = (root / "usr/share/doc/totpgate/examples/nginx-auth-request.conf").read_text()
    assert "alias /usr/share/totpgate/static/;" in nginx
    for example in ("apache-totpgate-authorizer.conf", "lighttpd-totpgate-authorizer.conf"):
        assert "/usr/share/totpgate/static/" in (root / f"usr/share/doc/totpgate/examples/{example}").read_text()
    assert (root / "usr/bin/totpgate").read_bytes() == BINARY.read_bytes()

    # A reinstall keeps the operator's edits to the config file.
    config = root / "etc/totpgate/totpgate.conf"
    config.write_text(config.read_text() + "allowed-redirect-host = app.example.com\n")
    edited = config.read_text()
    make_install(f"DESTDIR={root}", "PREFIX=/usr")
    assert config.read_text() == edited

    subprocess.run(["make", "-s", "uninstall", f"DESTDIR={root}", "PREFIX=/usr"], cwd=ROOT, check=True, timeout=60)
    assert sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()) == ["etc/totpgate/totpgate.conf"]


def every_command(command):
    """`command` and every command under it, from the definitions argument-parser dumps."""
    return [command] + [found for sub in command.get("subcommands", []) for found in every_command(sub)]


def words(text):
    """`text` with its white space as single spaces, dashes as ASCII."""
    return " ".join(text.replace("\u2013", "-").split())


def test_man_totpgate_renders_every_command_and_option(tmp_path):
    make_install(f"DESTDIR={tmp_path}", "PREFIX=/usr")
    # One line per paragraph, no hyphenation: text can be looked up as written.
    page = subprocess.run(["man", "--nh", "--nj", "-l", str(tmp_path / "usr/share/man/man1/totpgate.1")],
                          env=dict(os.environ, MANWIDTH="2000", LC_ALL="C.UTF-8"), capture_output=True, text=True,
                          timeout=DEADLINE)
    assert page.returncode == 0 and page.stderr == "", page.stderr  # no mdoc warning either
    text = words(page.stdout)
    dump = subprocess.run([str(BINARY), "--experimental-dump-help"], capture_output=True, text=True, check=True,
                          timeout=DEADLINE)
    root = json.loads(dump.stdout)["command"]
    commands = every_command(root)
    assert {"serve", "user", "keygen", "code", "secret", "uri", "qr", "add", "passwd"} <= {c["commandName"] for c in commands}
    assert f"totpgate — {root['abstract']}" in text
    for command in commands[1:]:
        assert f"{command['commandName']} {words(command['abstract'])}" in text, command["commandName"]
        for paragraph in command.get("discussion", "").split("\n\n"):
            assert words(paragraph) in text, command["commandName"]
        # A hidden option (serve's --worker-of, set by the master) is for no reader.
        for argument in (argument for argument in command.get("arguments", []) if argument.get("shouldDisplay", True)):
            name = argument["preferredName"] if "preferredName" in argument else {"name": argument["valueName"]}
            shown = {"long": "--", "short": "-"}.get(name.get("kind"), "") + name["name"]
            assert shown in text and words(argument.get("abstract", "")) in text, (command["commandName"], shown)


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


class SpawnFCGI(LoggedProcess):
    """deploy/totpgate-spawn-fcgi as committed, its settings from the
    environment: the binary, the config file, the socket in `directory`,
    the user (empty: this one) and the socket's group (empty: unchanged)."""

    def __init__(self, directory, binary, config, user="", group=""):
        self.socket = directory / "run" / "totpgate.sock"
        environment = dict(os.environ, TOTPGATE_BIN=str(binary), TOTPGATE_CONFIG=str(config),
                           TOTPGATE_SOCKET=str(self.socket), TOTPGATE_USER=user, TOTPGATE_SOCKET_GROUP=group)
        log = directory / f"spawn-fcgi-{len(list(directory.glob('spawn-fcgi-*')))}.log"
        super().__init__([str(ROOT / "deploy" / "totpgate-spawn-fcgi")], log, env=environment)

    def serving(self):
        """Waits until totpgate serves (its start-up line, logged once every
        worker is ready), or has exited: whether it serves."""
        wait_for(lambda: self.process.poll() is not None or "serving on" in self.output(), "totpgate under spawn-fcgi")
        return self.process.poll() is None


@pytest.fixture
def spawn_fcgi():
    started = []

    def spawn(*args, **kwargs):
        started.append(SpawnFCGI(*args, **kwargs))
        return started[-1]

    yield spawn
    for service in started:
        service.close()


def test_the_spawn_fcgi_example_serves_on_fd_0(tmp_path, spawn_fcgi):
    config = tmp_path / "totpgate.conf"
    config.write_text(shipped_config(tmp_path / "data"))
    service = spawn_fcgi(tmp_path, BINARY, config)
    assert service.serving(), service.output()
    assert service.socket.stat().st_mode & 0o777 == 0o660
    status, headers, page = fastcgi(service.socket, "GET", "/2fa/")
    assert status == 200 and 'action="/2fa/login"' in page
    assert "Secure" in dict(headers)["Set-Cookie"]  # cookie-secure = always, from the shipped file
    assert service.stop() == 0, service.output()
    output = service.output()
    assert "serving on the socket on fd 0 with" in output
    assert f"mounted at /2fa/; store: SQLite {tmp_path}/data/totpgate.db" in output


@pytest.fixture
def service_home():
    """A system user standing in for `totpgate`, and a directory it can
    traverse holding a copy of the binary and the shipped config, whose data
    dir is var/lib/totpgate there (var/lib made, as on any host)."""
    with system_user() as user, shared_directory("totpgate-spawn-") as root:
        shutil.copy2(BINARY, root / "totpgate")
        (root / "var/lib").mkdir(parents=True)
        (root / "totpgate.conf").write_text(shipped_config(root / "var/lib/totpgate"))
        yield user, root


def test_the_spawn_fcgi_example_makes_the_data_directory_for_the_service_user(service_home, spawn_fcgi):
    user, root = service_home
    service = spawn_fcgi(root, root / "totpgate", root / "totpgate.conf", user=user.pw_name, group="www-data")
    assert service.serving(), service.output()
    data = root / "var/lib/totpgate"
    assert (data.stat().st_uid, data.stat().st_gid, data.stat().st_mode & 0o777) == (user.pw_uid, user.pw_gid, 0o700)
    # What totpgate made there at start is the service user's too.
    assert {path.name: path.stat().st_uid for path in data.iterdir()} == {
        "cookie.keys": user.pw_uid, "secrets.key": user.pw_uid, "totpgate.db": user.pw_uid,
        "totpgate.db-wal": user.pw_uid, "totpgate.db-shm": user.pw_uid}
    socket = service.socket.stat()
    assert (socket.st_mode & 0o777, socket.st_gid) == (0o660, grp.getgrnam("www-data").gr_gid)
    assert service.stop() == 0, service.output()


def refusal(service):
    """The one `totpgate: …` line of a start that failed."""
    assert not service.serving() and service.process.returncode != 0, service.output()
    lines = [line for line in service.output().splitlines() if line.startswith("totpgate: ")]
    assert len(lines) == 1, service.output()
    return lines[0]


def test_serve_says_which_chown_fixes_a_data_directory_root_made(service_home, spawn_fcgi):
    user, root = service_home
    data = root / "var/lib/totpgate"
    # The admin's slip: a user added as root, before the service ever ran.
    added = subprocess.run([str(root / "totpgate"), "user", "add", "alice", "--config", str(root / "totpgate.conf")],
                           capture_output=True, text=True, timeout=DEADLINE)
    assert added.returncode == 0, added.stderr
    start = lambda: spawn_fcgi(root, root / "totpgate", root / "totpgate.conf", user=user.pw_name, group="www-data")

    fix = f"run `chown -R {user.pw_name}: {data}`"
    line = refusal(start())
    assert line.endswith(f": permission denied: {data} is owned by root, and totpgate runs as {user.pw_name}; {fix}")
    # Half the fix, the directory alone: now a file of root's is named.
    os.chown(data, user.pw_uid, user.pw_gid)
    line = refusal(start())
    assert re.fullmatch(rf"totpgate: open {data}/[a-z.]+: permission denied: it is owned by root, "
                        rf"and totpgate runs as {re.escape(user.pw_name)}; {re.escape(fix)}", line), line
    # The fix it names, run as written.
    subprocess.run(["sh", "-c", line.split("`")[1]], check=True, timeout=DEADLINE)
    service = start()
    assert service.serving(), service.output()
    assert service.stop() == 0, service.output()


GROUPS = {"@default": ["execve", "exit"], "@a": ["x", "y", "@b"], "@b": ["z"]}


@pytest.mark.parametrize("assignments, allow_list, calls", [
    (["@a"], True, {"execve", "exit", "x", "y", "z"}),  # an allow-list starts from @default
    (["@a", "~@b y"], True, {"execve", "exit", "x"}),  # ~ takes away from it
    (["@a", "~@a", "z"], True, {"execve", "exit", "z"}),  # and a later line adds back
    (["@a", "~exit"], True, {"execve", "x", "y", "z"}),  # even what @default brought
    (["~@a"], False, {"x", "y", "z"}),  # a deny-list
    (["~@a", "y"], False, {"x", "z"}),  # a line without ~ takes away from it
    (["@a", "", "~x"], False, {"x"}),  # an empty assignment starts over
])
def test_the_filter_model_follows_systemds_rules(assignments, allow_list, calls):
    from syscall_filter import effective_filter
    assert effective_filter(assignments, expand=GROUPS.__getitem__) == (allow_list, calls)


class UnitService(LoggedProcess):
    """totpgate as the installed systemd unit runs it, where there is no
    systemd: as the unit's User= (a fresh system user standing in for
    `totpgate`), with its SupplementaryGroups= and UMask=, in the state and
    runtime directories systemd would make, and its ExecStart= under the
    unit's own SystemCallFilter= lines (syscall_filter.py). Everything under
    `root`, a directory the service user can traverse."""

    def __init__(self, root, user, settings=()):
        make_install(f"PREFIX={root}/usr", f"SYSCONFDIR={root}/etc")
        self.root, self.user = root, user
        self.unit = root / "usr/lib/systemd/system/totpgate.service"
        assert self.setting("User") == ["totpgate"] and self.setting("Group") == ["totpgate"]
        # StateDirectory= is /var/lib/NAME and RuntimeDirectory= /run/NAME, owned by User=.
        [state], [runtime] = self.setting("StateDirectory"), self.setting("RuntimeDirectory")
        self.data, runtime_directory = root / "var/lib" / state, root / "run" / runtime
        for directory, [mode] in ((self.data, self.setting("StateDirectoryMode")),
                                  (runtime_directory, self.setting("RuntimeDirectoryMode"))):
            directory.mkdir(parents=True)
            os.chown(directory, user.pw_uid, user.pw_gid)
            directory.chmod(int(mode, 8))
        # The installed config names the unit's state directory as its data dir.
        self.config = root / "etc/totpgate/totpgate.conf"
        self.config.write_text(filled_in(self.config, {f"data-dir = /var/lib/{state}\n": f"data-dir = {self.data}\n",
                                                       "#base-path = /2fa": "base-path = /2fa"})
                               + "".join(f"{setting}\n" for setting in settings))
        [start] = self.setting("ExecStart")
        command = shlex.split(start.replace(f"/run/{runtime}/", f"{runtime_directory}/"))
        assert command[0] == str(root / "usr/bin/totpgate"), command  # no ExecStart= prefix (-, +, !, @)
        self.socket = root / "run" / runtime / "totpgate.sock"
        assert command[command.index("--socket") + 1] == str(self.socket)
        # The filter script must be readable by the service user, who runs it.
        self.filter = root / "syscall_filter.py"
        shutil.copy(ROOT / "Tests/EndToEnd/syscall_filter.py", self.filter)
        super().__init__(self.filtered(command), root / "totpgate.log", **self.as_the_unit())
        try:
            # The master makes the socket at once; its start-up line comes once every worker is ready.
            wait_for(lambda: "serving on" in self.output() or self.process.poll() is not None, "the responder to serve")
            assert self.process.poll() is None, self.ended()
        except BaseException:
            self.close()  # before the fixture removes the user, which userdel refuses while it runs
            raise

    def ended(self):
        """How the service ended, and its output: SIGSYS is a call outside the filter."""
        status = self.process.returncode
        how = f"killed by {signal.Signals(-status).name}" if status < 0 else f"exit status {status}"
        return f"totpgate serve {how}:\n{self.output()}"

    def setting(self, key):
        return unit_settings(self.unit, key)

    def filtered(self, command):
        """`command` under the unit's system call filter."""
        return ["/usr/bin/python3", str(self.filter), str(self.unit), *command]

    def as_the_unit(self):
        """Popen's options for a process started as the unit starts its own: user, groups, umask."""
        [umask], [groups] = self.setting("UMask"), self.setting("SupplementaryGroups")
        return dict(user=self.user.pw_uid, group=self.user.pw_gid, extra_groups=groups.split(), umask=int(umask, 8),
                    cwd="/")

    def totpgate(self, *arguments, input=None):
        """A `totpgate` command run as the service user, as README tells admins to."""
        return subprocess.run(["runuser", "-u", self.user.pw_name, "--", str(self.root / "usr/bin/totpgate"), *arguments,
                               "--config", str(self.config)], input=input, capture_output=True, text=True,
                              cwd="/", timeout=DEADLINE)

    def reload(self):
        """The unit's ExecReload=, run as systemd runs it: as the service, under its filter."""
        [reload] = self.setting("ExecReload")
        command = shlex.split(reload.replace("$MAINPID", str(self.process.pid)))
        assert subprocess.run(self.filtered(command), timeout=DEADLINE, **self.as_the_unit()).returncode == 0

    def stop(self):
        """The unit's KillSignal=; returns the exit status."""
        [name] = self.setting("KillSignal")
        return super().stop(signal.Signals[name])


@pytest.fixture
def make_unit_service():
    """`make(*settings)`: the unit's service with `settings` added to its config file."""
    with system_user() as user, shared_directory("totpgate-unit-") as root:
        services = []

        def make(*settings):
            services.append(UnitService(root, user, settings))
            return services[-1]

        try:
            yield make
        finally:
            for service in services:
                service.close()


@pytest.fixture
def unit_service(make_unit_service):
    return make_unit_service()


def login_form(socket):
    """The login page's session cookie and CSRF token."""
    status, headers, page = fastcgi(socket, "GET", "/2fa/")
    assert status == 200, page
    cookie = next(value for name, value in headers if name == "Set-Cookie").split(";")[0]
    return cookie, re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def location(answer):
    return dict(answer[1]).get("Location")


def test_under_the_units_system_call_filter_serve_answers_checks_passwords_and_stops(unit_service):
    added = unit_service.totpgate("user", "add", "alice", "--password-stdin", "--totp-secret", SECRET,
                                  input="correct horse battery")
    assert added.returncode == 0, added.stderr
    cookie, csrf = login_form(unit_service.socket)
    form = {"csrf": csrf, "username": "alice", "password": "wrong horse battery"}
    # Both answers come from the password-hashing threads (scrypt at nice 19: setpriority).
    assert location(fastcgi(unit_service.socket, "POST", "/2fa/login", cookie, form)) == "/2fa/"
    form.update(password="correct horse battery", code=totp(SECRET))
    assert location(fastcgi(unit_service.socket, "POST", "/2fa/login", cookie, form)) == "/2fa/home"

    assert unit_service.stop() == 0, unit_service.ended()
    assert not unit_service.socket.exists()
    output = unit_service.output()
    assert "audit login-failed user=alice reason=password" in output
    assert "audit login-succeeded user=alice" in output


def test_under_the_units_system_call_filter_systemctl_reload_rereads_the_config(unit_service):
    assert "<title>Sign in · totpgate</title>" in fastcgi(unit_service.socket, "GET", "/2fa/")[2]
    with open(unit_service.config, "a") as config:
        config.write("app-name = Reloaded gate\n")
    unit_service.reload()
    wait_for(lambda: "Reloaded gate" in fastcgi(unit_service.socket, "GET", "/2fa/")[2], "the reloaded app-name")
    assert unit_service.process.poll() is None, unit_service.ended()
    assert unit_service.stop() == 0, unit_service.ended()


def test_under_the_units_system_call_filter_serve_listens_on_the_socket_and_a_port(make_unit_service):
    # README, Protecting sites with Apache: `listen` in the config, next to the unit's socket.
    address = f"127.0.0.1:{free_port()}"
    service = make_unit_service(f"listen = {address}")
    wait_for(lambda: "serving on" in service.output() or service.process.poll() is not None, "the start line")
    assert f"serving on unix:{service.socket} (mode 660, group www-data) and tcp:{address} with" in service.output()
    for target in (service.socket, address):
        status, _, page = fastcgi(target, "GET", "/2fa/")
        assert status == 200 and "Sign in" in page, target
    assert service.stop() == 0, service.ended()
    assert not service.socket.exists()


def test_under_the_units_system_call_filter_healthz_and_metrics_answer(unit_service):
    """/healthz stats the database file and reads it; /metrics reads /proc of the
    master and every worker: none of it may fall outside the unit's filter."""
    for _ in range(4):  # whichever workers answer
        status, _, body = fastcgi(unit_service.socket, "GET", "/2fa/healthz")
        assert (status, body) == (200, "ok\n")
        status, _, page = fastcgi(unit_service.socket, "GET", "/2fa/metrics")
        assert status == 200 and "\ntotpgate_store_up 1\n" in page, page
        resident = int(re.search(r"^totpgate_resident_memory_bytes (\d+)$", page, re.M).group(1))
        assert resident > 1_000_000, page  # the processes' /proc entries were readable
    assert unit_service.process.poll() is None, unit_service.ended()
    assert unit_service.stop() == 0, unit_service.ended()
