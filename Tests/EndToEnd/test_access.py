"""Issue 14 through nginx/auth-request.conf: access rules on several hosts of
one nginx server (one port), groups passed to the app, the "not allowed" page,
step-up through /verify, remember this device and the password change."""
import json
import re
import signal
import subprocess
import time
import urllib.parse

import pytest

from conftest import BINARY, make_stacks, sign, totp, wait_for
from deployments import GateStack
from test_gate import tls, upstream  # noqa: F401 (fixtures: the certificate and the protected app)

SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
HOSTS = ("admin.example.com", "wiki.example.com", "docs.wiki.example.com", "other.example.com", "example.org")
RULES = (
    "access = admin.example.com/ group:admins",
    "access = app.example.com/app/admin/ group:admins fresh=1m",
    "access = app.example.com/app/reports/ user:carol,group:auditors",
    "access = app.example.com/ any",
    "access = *.wiki.example.com/ group:staff",
    "access = wiki.example.com/ any",
    "access = *.example.com/private/ deny",
    "default-access = group:admins",
)


@pytest.fixture
def make_gate(tmp_path, tls, upstream):
    yield from make_stacks(lambda index: GateStack(tmp_path / f"gate{index}", tls, upstream, RULES, server_names=HOSTS))


@pytest.fixture
def gate(make_gate):
    """The gate with its users (make_gate stops it, even when adding them fails)."""
    made = make_gate()
    for name, groups in (("alice", []), ("bob", ["admins"]), ("carol", []), ("dave", ["staff", "auditors"])):
        added = made.totpgate("user", "add", name, "--password-stdin", "--totp-secret", SECRET,
                              *(f"--group={group}" for group in groups), input="correct horse battery")
        assert added.returncode == 0, added.stderr
    return made


def session_of(gate, user_id, name, code_age=0):
    """A full session of `name`, signed with the gate's key, whose last code was entered `code_age` seconds ago."""
    now = int(time.time())
    return sign(gate, ["1", f"s{user_id}x{code_age}", "f", str(user_id), "0", str(now - 30), str(now - 10), "csrf", name, "", "", "",
                       str(now - code_age)])


def fetch(gate, host, path, cookie, **kwargs):
    return gate.fetch("GET", path, headers={"Host": f"{host}:{gate.port}"}, cookies={"totpgate": cookie}, **kwargs)


USERS = {"alice": 1, "bob": 2, "carol": 3, "dave": 4}

# (user, host, path, status): users, groups, wildcards, path prefixes, deny, the default.
CASES = [
    ("bob", "admin.example.com", "/app/", 200),
    ("alice", "admin.example.com", "/app/", 403),
    ("carol", "app.example.com", "/app/reports/q1", 200),
    ("dave", "app.example.com", "/app/reports/q1", 200),
    ("alice", "app.example.com", "/app/reports/q1", 403),
    ("alice", "app.example.com", "/app/%72eports/q1", 403),
    ("alice", "app.example.com", "/app/", 200),
    ("alice", "app.example.com", "/private/secret.txt", 200),
    ("dave", "docs.wiki.example.com", "/app/", 200),
    ("alice", "docs.wiki.example.com", "/app/", 403),
    ("alice", "wiki.example.com", "/app/", 200),
    ("bob", "other.example.com", "/private/secret.txt", 403),
    ("bob", "other.example.com", "/app/", 200),
    ("alice", "other.example.com", "/app/", 403),
    ("bob", "example.org", "/app/", 200),
    ("carol", "example.org", "/app/", 403),
]


@pytest.mark.parametrize("user,host,path,status", CASES)
def test_the_rules_decide_per_host_path_user_and_group(gate, upstream, user, host, path, status):
    response = fetch(gate, host, path, session_of(gate, USERS[user], user))
    assert response.status_code == status, response.text
    if status == 403:
        assert "Not allowed" in response.text and f"<strong>{user}</strong>" in response.text
        assert upstream.received == []


def test_the_app_gets_the_groups_and_never_forged_ones(gate, upstream):
    dave = session_of(gate, 4, "dave")
    for headers in ({}, {"X-Auth-Groups": "admins"}, {"x-auth-groups": "root"}):
        response = gate.fetch("GET", "/app/", headers={"Host": "app.example.com", **headers}, cookies={"totpgate": dave})
        assert json.loads(response.text)["x-auth-groups"] == ["auditors,staff"]
    carol = session_of(gate, 3, "carol")
    response = gate.fetch("GET", "/app/", headers={"Host": "app.example.com", "X-Auth-Groups": "admins"}, cookies={"totpgate": carol})
    assert json.loads(response.text)["x-auth-groups"] == []


def test_the_denied_page_lets_the_user_switch_and_come_back(gate):
    browser = gate.browser()
    browser.session.cookies.set("totpgate", session_of(gate, 1, "alice"))
    host = {"Host": f"admin.example.com:{gate.port}"}
    denied = gate.fetch("GET", "/app/settings", browser, headers=host)
    assert denied.status_code == 403
    csrf = re.search(r'name="csrf" value="([^"]+)"', denied.text).group(1)
    assert 'name="rd" value="/app/settings"' in denied.text
    out = gate.fetch("POST", "/2fa/logout", browser, headers=host, data={"csrf": csrf, "rd": "/app/settings"})
    assert out.status_code == 303 and out.headers["Location"] == "/2fa/?rd=%2Fapp%2Fsettings"


def test_an_old_code_steps_up_through_verify_and_back(gate, upstream):
    browser = gate.browser()
    browser.session.cookies.set("totpgate", session_of(gate, 2, "bob", code_age=120))
    host = {"Host": f"app.example.com:{gate.port}"}
    refused = gate.fetch("GET", "/app/admin/users?page=2", browser, headers=host)
    assert refused.status_code == 302
    assert refused.headers["Location"].endswith("/2fa/?rd=%2Fapp%2Fadmin%2Fusers%3Fpage%3D2")
    login = gate.fetch("GET", "/2fa/?rd=%2Fapp%2Fadmin%2Fusers%3Fpage%3D2", browser, headers=host)
    assert login.status_code == 303 and login.headers["Location"] == "/2fa/verify?rd=%2Fapp%2Fadmin%2Fusers%3Fpage%3D2"
    page = gate.fetch("GET", login.headers["Location"], browser, headers=host)
    assert page.status_code == 200 and "Confirm it is you" in page.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    verified = gate.fetch("POST", "/2fa/verify", browser, headers=host,
                          data={"csrf": csrf, "code": totp(SECRET), "rd": "/app/admin/users?page=2"})
    assert verified.status_code == 303 and verified.headers["Location"] == "/app/admin/users?page=2"
    # The session now records the code: the cookie the answer set.
    renewed = verified.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    allowed = gate.fetch("GET", "/app/admin/users?page=2", headers=host, cookies={"totpgate": renewed})
    assert allowed.status_code == 200
    assert json.loads(allowed.text)["x-auth-groups"] == ["admins"]
    # Elsewhere the old code was good enough all along.
    assert fetch(gate, "app.example.com", "/app/", session_of(gate, 2, "bob", code_age=3600)).status_code == 200


def test_access_check_names_the_rule(gate):
    config = gate.workdir / "totpgate.conf"
    for user, url, expected in [("bob", "https://app.example.com/app/admin/x", f"step-up {config}:"),
                                ("carol", "https://app.example.com/app/admin/x", f"deny {config}:"),
                                ("carol", "https://example.org/", "deny default-access"),
                                ("dave", "https://x.wiki.example.com/", f"allow {config}:")]:
        result = subprocess.run([str(BINARY), "access", "check", "--config", str(config), "--user", user, "--url", url],
                                capture_output=True, text=True, timeout=10)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(expected), (user, url, result.stdout)
    result = subprocess.run([str(BINARY), "access", "check", "--config", str(config), "--user", "bob",
                             "--url", "https://app.example.com/app/admin/x", "--code-age", "30s"], capture_output=True, text=True, timeout=10)
    assert result.stdout == f"allow {config}:{rule_line(config, 'app.example.com/app/admin/')}\n"


def rule_line(config, target):
    return next(number for number, line in enumerate(config.read_text().splitlines(), 1) if line.startswith(f"access = {target}"))


def test_a_bad_rule_stops_the_start_naming_its_line(tmp_path):
    config = tmp_path / "bad.conf"
    config.write_text(f"data-dir = {tmp_path / 'data'}\naccess = app.example.com/ any\naccess = *.example.com/ group:\n")
    result = subprocess.run([str(BINARY), "serve", "--config", str(config), "--socket", str(tmp_path / "s.sock")],
                            capture_output=True, text=True, timeout=10)
    assert result.returncode != 0
    assert result.stderr.startswith(f"totpgate: {config}:3: access = *.example.com/ group:")


def remembered(gate, name="bob", password="correct horse battery"):
    """A browser that signed `name` in with a code, ticking "Remember this device"."""
    browser = gate.browser()
    assert browser.login(name, password=password).headers["Location"] == "/2fa/login/code"
    code_page = browser.get("/login/code")
    assert 'name="remember" type="checkbox" value="1"' in code_page.text
    done = browser.post("/login/code", {"code": totp(SECRET), "remember": "1"}, csrf_from="/login/code")
    assert done.status_code == 303 and done.headers["Location"] == "/2fa/home"
    assert "totpgate-device=" in done.headers["Set-Cookie"]
    return browser


def device_cookie(browser):
    return next(cookie for cookie in browser.session.cookies if cookie.name == "totpgate-device")


def wait_past_the_session_cache():
    time.sleep(1.5)  # a worker trusts its answer on a session for 1 s (SessionRevocations.timeToLive)


def test_a_remembered_browser_needs_only_the_password_after_a_logout(gate):
    browser = remembered(gate)
    assert browser.get("/logout").headers["Location"] == "/2fa/"
    assert browser.login("bob").headers["Location"] == "/2fa/home"
    home = browser.get("/home")
    assert "(this browser)" in home.text
    # Both cookies, passed by hand: requests matches its jar against the Host header, app.example.com.
    cookies = {"totpgate": browser.cookie, "totpgate-device": device_cookie(browser).value}
    host = {"Host": f"app.example.com:{gate.port}"}
    # It is no fresh code: a rule with fresh= still asks for one.
    refused = gate.fetch("GET", "/app/admin/", headers=host, cookies=cookies)
    assert refused.status_code == 302 and "/2fa/?rd=" in refused.headers["Location"]
    # The app never sees the device cookie.
    response = gate.fetch("GET", "/app/", headers=host, cookies=cookies)
    assert json.loads(response.text)["cookie"] == []
    # Another browser still needs the code.
    assert gate.browser().login("bob").headers["Location"] == "/2fa/login/code"


@pytest.mark.parametrize("ending", ["user logout", "reset-2fa", "log out everywhere", "password change", "forget"])
def test_each_revocation_ends_the_remembered_device(gate, ending):
    browser = remembered(gate)
    saved = device_cookie(browser)
    password = "correct horse battery"
    if ending == "user logout":
        assert gate.totpgate("user", "logout", "bob").returncode == 0
    elif ending == "reset-2fa":
        assert gate.totpgate("user", "reset-2fa", "bob").returncode == 0
    elif ending == "log out everywhere":
        assert browser.post("/logout/everywhere", {}, csrf_from="/home").status_code == 303
    elif ending == "password change":
        password = "a new and longer passphrase"
        changed = browser.post("/password", {"password": "correct horse battery", "new_password": password}, csrf_from="/password")
        assert changed.headers["Location"] == "/2fa/home?done=password"
    else:
        handle = re.search(r'name="device" value="([0-9a-f]+)"', browser.get("/home").text).group(1)
        assert browser.post("/devices/forget", {"device": handle}, csrf_from="/home").headers["Location"] == "/2fa/home?done=forgotten"
    wait_past_the_session_cache()
    browser.get("/logout")
    browser.session.cookies.set_cookie(saved)  # even a browser that kept the old cookie
    expected = "/2fa/enroll" if ending == "reset-2fa" else "/2fa/login/code"
    assert browser.login("bob", password=password).headers["Location"] == expected


def test_a_password_change_keeps_this_session_and_ends_the_others(gate, upstream):
    browser = remembered(gate)
    other = gate.browser()
    other.session.cookies.set("totpgate", session_of(gate, 2, "bob"))
    assert other.get("/home").status_code == 200
    weak = browser.post("/password", {"password": "correct horse battery", "new_password": "baseball"}, csrf_from="/password")
    assert weak.headers["Location"] == "/2fa/password"
    assert "most common" in browser.get("/password").text
    wrong = browser.post("/password", {"password": "not my password", "new_password": "a new and longer passphrase"},
                         csrf_from="/password")
    assert wrong.headers["Location"] == "/2fa/password"
    assert "audit password-change-failed user=bob" in gate.output()
    changed = browser.post("/password", {"password": "correct horse battery", "new_password": "a new and longer passphrase"},
                           csrf_from="/password")
    assert changed.headers["Location"] == "/2fa/home?done=password"
    assert "audit password-changed user=bob" in gate.output()
    wait_past_the_session_cache()
    assert browser.get("/home").status_code == 200
    assert other.get("/home").status_code == 303
    assert gate.browser().login("bob").headers["Location"] == "/2fa/"
    assert gate.browser().login("bob", password="a new and longer passphrase").headers["Location"] == "/2fa/login/code"


def test_the_rules_are_reloaded_with_the_configuration(gate):
    config = gate.workdir / "totpgate.conf"
    alice = session_of(gate, 1, "alice")
    assert fetch(gate, "admin.example.com", "/app/", alice).status_code == 403
    config.write_text(config.read_text().replace("access = admin.example.com/ group:admins", "access = admin.example.com/ user:alice"))
    gate.responder.send_signal(signal.SIGHUP)
    gate.wait_for_output(f"reloaded the configuration ({config})")
    wait_for(lambda: fetch(gate, "admin.example.com", "/app/", alice).status_code == 200, "the new rule")
    # A broken rule is refused with its line; the running workers keep the rules they have.
    lines = config.read_text().count("\n")
    config.write_text(config.read_text() + "access = admin.example.com/ nobody\n")
    gate.responder.send_signal(signal.SIGHUP)
    gate.wait_for_output(f"reload refused: {config}:{lines + 1}: access = admin.example.com/ nobody")
    assert fetch(gate, "admin.example.com", "/app/", alice).status_code == 200
