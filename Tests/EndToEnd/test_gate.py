"""Issue 6: nginx/auth-request.conf, as committed, guarding a static directory
and an app with totpgate at /2fa/, over TLS."""
import json
import re
import time

import pytest
import requests

from conftest import make_stacks, sign, totp
from deployments import (ALICE_SECRET, GateStack, Upstream, assert_sent_to_login, logged_in, login_location,
                         self_signed_certificate)

SECRET = ALICE_SECRET
# Over HTTPS, host-only and Secure (the shipped settings), the session cookie's name carries the __Host- prefix.
COOKIE = "__Host-totpgate"


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def upstream():
    server = Upstream()
    yield server
    server.stop()


@pytest.fixture
def make_gate(tmp_path, tls, upstream):
    yield from make_stacks(lambda index, *settings: GateStack(tmp_path / f"gate{index}", tls, upstream, settings))


@pytest.fixture
def gate(make_gate):
    gate = make_gate()
    gate.add_user("alice", secret=SECRET)
    return gate


@pytest.mark.parametrize("path", ["/private/secret.txt", "/app/search?q=a+b&page=2", "/app/a%20b/%C3%A9?x=%26y"])
def test_anonymous_requests_go_to_the_login_page_carrying_rd(gate, upstream, path):
    response = gate.fetch("GET", path)
    assert_sent_to_login(gate, response, path)
    assert response.headers["Location"].startswith(gate.origin + "/2fa/?rd=")
    assert upstream.received == []


def test_after_a_full_login_the_user_lands_back_on_the_protected_file(gate):
    browser, response = logged_in(gate, rd="/private/secret.txt")
    assert response.headers["Location"] == "/private/secret.txt"
    protected = gate.fetch("GET", "/private/secret.txt", browser)
    assert protected.status_code == 200
    assert protected.text == "the protected file\n"
    assert "Set-Cookie" not in protected.headers  # the cookie is fresh: nothing to renew


def test_a_first_enrolment_lands_back_on_the_protected_app(gate, upstream):
    """Issue 11, item 8: sent to the login with rd=/app/path?x=1, a user who
    enrols continues from the recovery codes page to rd, not to /home."""
    gate.add_user("newbie")
    anonymous = gate.fetch("GET", "/app/path?x=1")
    assert login_location(anonymous) == ("/2fa/", "/app/path?x=1")
    browser = gate.browser()
    assert browser.login("newbie", rd="/app/path?x=1").headers["Location"] == "/2fa/enroll"
    page = browser.get("/enroll")
    secret = re.search(r'<p class="secret"><code>([A-Z2-7 ]+)</code>', page.text).group(1).replace(" ", "")
    done = browser.post("/enroll", {"code": totp(secret)}, csrf_from="/enroll")
    assert done.status_code == 200 and "recovery-code" in done.text
    continue_to = re.search(r'<a class="button" href="([^"]+)">I have saved them', done.text).group(1)
    assert continue_to == "/app/path?x=1"
    response = gate.fetch("GET", continue_to, browser)
    assert response.status_code == 200
    assert json.loads(response.text)["x-auth-user"] == ["newbie"]
    assert 'href="/app/path?x=1">Back to where you were</a>' in browser.get("/home").text


def test_the_app_learns_the_user_and_never_a_forged_one(gate, upstream):
    forged = {"X-Auth-User": "admin"}
    assert gate.fetch("GET", "/app/", headers=forged).status_code == 302
    assert upstream.received == []
    browser, _ = logged_in(gate)
    for headers in ({}, forged, {"x-auth-user": "root"}, {"X-Auth-User": "alice, admin"}, {"X_Auth_User": "admin"}):
        response = gate.fetch("GET", "/app/whoami", browser, headers=headers)
        assert response.status_code == 200
        assert json.loads(response.text)["x-auth-user"] == ["alice"], headers
    assert len(upstream.received) == 5


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_every_method_is_gated(gate, upstream, method):
    body = b"x" * (20 * 1024)  # more than totpgate reads: the gate must not pass it the body
    anonymous = gate.fetch(method, "/app/upload", data=body)
    assert anonymous.status_code == 302 and login_location(anonymous) == ("/2fa/", "/app/upload")
    assert upstream.received == []
    browser, _ = logged_in(gate)
    response = gate.fetch(method, "/app/upload", browser, data=body)
    assert response.status_code == 200
    assert json.loads(response.text) == {"method": method, "path": "/app/upload", "body": len(body), "x-auth-user": ["alice"],
                                         "x-auth-groups": [], "cookie": []}


def test_the_renewed_cookie_reaches_the_browser(gate):
    now = int(time.time())
    # A session last seen 2 minutes ago is due for renewal (every 60 s at most).
    cookie = sign(gate, ["1", "renewme", "f", "1", "0", str(now - 600), str(now - 120), "csrf", "alice", "", "", ""])
    response = gate.fetch("GET", "/private/secret.txt", cookies={COOKIE: cookie})
    assert response.status_code == 200
    renewed = response.headers["Set-Cookie"]
    assert renewed.startswith(COOKIE + "=") and "Secure" in renewed and "HttpOnly" in renewed
    fresh = renewed.split(";")[0].split("=", 1)[1]
    assert fresh != cookie
    again = gate.fetch("GET", "/app/", cookies={COOKIE: fresh})
    assert again.status_code == 200 and "Set-Cookie" not in again.headers


def test_logout_makes_the_site_protected_again(gate):
    browser, _ = logged_in(gate)
    assert gate.fetch("GET", "/private/secret.txt", browser).status_code == 200
    old = browser.cookie
    assert browser.get("/logout").headers["Location"] == "/2fa/"
    assert gate.fetch("GET", "/private/secret.txt", browser).status_code == 302
    assert gate.fetch("GET", "/private/secret.txt", cookies={COOKIE: old}).status_code == 302


def test_totpgate_is_mounted_at_2fa_with_nginx_serving_its_stylesheet(gate):
    page = gate.get("/")
    assert page.status_code == 200
    assert 'action="/2fa/login"' in page.text and 'href="/2fa/static/totpgate.css"' in page.text
    assert "Secure" in page.headers["Set-Cookie"] and "Path=/;" in page.headers["Set-Cookie"]
    css = gate.get("/static/totpgate.css")
    assert css.status_code == 200 and "Content-Security-Policy" not in css.headers
    assert gate.fetch("GET", "/2fa").headers["Location"].endswith("/2fa/")
    assert gate.fetch("GET", "/2fa/auth").status_code == 404  # internal: only auth_request reaches it


def test_plain_http_is_sent_to_https(gate):
    response = requests.get(f"http://127.0.0.1:{gate.http_port}/private/secret.txt", allow_redirects=False, timeout=10)
    assert response.status_code == 301
    assert response.headers["Location"] == "https://127.0.0.1/private/secret.txt"


def test_cross_host_rd_only_for_allowed_hosts(make_gate):
    gate = make_gate("cookie-domain = example.com", "allowed-redirect-host = app.example.com")
    gate.add_user("alice", secret=SECRET)
    app = {"Host": "app.example.com"}
    # On an allowed host, rd is the absolute URL, so a login elsewhere leads back.
    assert login_location(gate.fetch("GET", "/private/secret.txt?a=1", headers=app)) == (
        "/2fa/", "https://app.example.com/private/secret.txt?a=1")
    # Elsewhere a local path.
    assert login_location(gate.fetch("GET", "/private/secret.txt", headers={"Host": "other.example.com"})) == (
        "/2fa/", "/private/secret.txt")

    page = gate.fetch("GET", "/2fa/")
    assert "form-action 'self' app.example.com;" in page.headers["Content-Security-Policy"]
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    anonymous = page.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    assert "Domain=example.com" in page.headers["Set-Cookie"]

    def login(rd, code, name="alice"):
        return gate.fetch("POST", "/2fa/login", cookies={"totpgate": anonymous},
                          data={"csrf": csrf, "username": name, "password": "correct horse battery", "code": code, "rd": rd})

    evil = login("https://evil.example.com/private/secret.txt", totp(SECRET))
    assert evil.headers["Location"] == "/2fa/home"
    # A login over HTTPS never leads back over plain HTTP, even to an allowed host (bob: a code of his own).
    gate.add_user("bob", secret=SECRET)
    plain = login("http://app.example.com/private/secret.txt", totp(SECRET), name="bob")
    assert plain.headers["Location"] == "/2fa/home"
    # The next step's code: the current one was just used, and replays are refused.
    allowed = login("https://app.example.com/private/secret.txt?a=1", totp(SECRET, at=int(time.time()) + 30))
    assert allowed.status_code == 303
    assert allowed.headers["Location"] == "https://app.example.com/private/secret.txt?a=1"
    assert "Domain=example.com" in allowed.headers["Set-Cookie"]
    full = allowed.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    assert gate.fetch("GET", "/private/secret.txt", headers=app, cookies={"totpgate": full}).status_code == 200


def test_cross_host_login_on_a_non_default_port(make_gate):
    # Debian's fastcgi_params sends HTTP_HOST as $host, without the port: the
    # examples send $http_host, so an allowed host with a port is recognised.
    gate = make_gate("cookie-domain = example.com", "allowed-redirect-host = app.example.com:{port}")
    gate.add_user("alice", secret=SECRET)
    app = {"Host": f"app.example.com:{gate.port}"}
    protected = f"https://app.example.com:{gate.port}/private/secret.txt?a=1"
    assert login_location(gate.fetch("GET", "/private/secret.txt?a=1", headers=app)) == ("/2fa/", protected)

    # The login on the gate's own host (the cookie is for example.com, so it is passed by hand).
    page = gate.fetch("GET", "/2fa/")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    anonymous = page.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    login = gate.fetch("POST", "/2fa/login", cookies={"totpgate": anonymous}, data={
        "csrf": csrf, "username": "alice", "password": "correct horse battery", "code": totp(SECRET), "rd": protected})
    assert login.status_code == 303 and login.headers["Location"] == protected
    session = login.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    back = gate.fetch("GET", "/private/secret.txt?a=1", headers=app, cookies={"totpgate": session})
    assert back.status_code == 200 and back.text == "the protected file\n"


@pytest.mark.parametrize("sent, received", [
    ("__Host-totpgate={session}", []),
    ("__Host-totpgate={session}; theme=dark", ["theme=dark"]),
    ("theme=dark; __Host-totpgate={session}", ["theme=dark"]),
    ("a=1; __Host-totpgate={session}; b=2", ["a=1; b=2"]),
    ("a=1;__Host-totpgate={session};b=2", ["a=1;b=2"]),
    # Two of the name (one for the host, one for the parent domain).
    ("__Host-totpgate={session}; a=1; __Host-totpgate={session}", ["a=1"]),
    ("a=1; __Host-totpgate={session}; b=2; __Host-totpgate={session}", ["a=1; b=2"]),
    # Names that only look alike are the app's own.
    ("xtotpgate=1; __Host-totpgate={session}; totpgate_theme=2", ["xtotpgate=1; totpgate_theme=2"]),
    ("totpgate-devices=1; __Host-totpgate={session}", ["totpgate-devices=1"]),
    # The remember-device cookie goes too, with the session's.
    ("totpgate-device=x.y.z; a=1; __Host-totpgate={session}", ["a=1"]),
    ("__Host-totpgate={session}; totpgate-device=x.y.z", []),
    # A cookie of the bare name (planted from another host, or over plain HTTP) is not read, and not passed on either.
    ("a=1; totpgate=planted; __Host-totpgate={session}", ["a=1"]),
])
def test_the_app_gets_every_cookie_but_the_session(gate, upstream, sent, received):
    browser, _ = logged_in(gate)
    response = gate.fetch("GET", "/app/", headers={"Cookie": sent.format(session=browser.cookie)})
    assert response.status_code == 200
    assert json.loads(response.text)["cookie"] == received


def test_login_posts_are_limited_per_address(gate):
    # A POST without its CSRF token is refused by totpgate at once (403), so
    # only nginx's limit can answer 429: a burst of 20 after the first, then
    # 10 a minute (one more at most while this runs).
    statuses = [gate.fetch("POST", "/2fa/login", data={"username": "alice", "password": "x"}).status_code
                for _ in range(30)]
    assert statuses[:21] == [403] * 21
    assert statuses[21:].count(429) >= 8, statuses
    # Pages are never held back.
    assert gate.fetch("GET", "/2fa/").status_code == 200
    assert gate.fetch("GET", "/private/secret.txt").status_code == 302


def test_every_https_answer_sends_hsts(gate):
    browser, _ = logged_in(gate)
    answers = [gate.fetch("GET", "/2fa/"), gate.fetch("GET", "/2fa/static/totpgate.css"),
               gate.fetch("GET", "/private/secret.txt"), gate.fetch("GET", "/private/secret.txt", browser),
               gate.fetch("GET", "/app/", browser), gate.fetch("GET", "/2fa/nope")]
    assert [answer.status_code for answer in answers] == [200, 200, 302, 200, 200, 404]
    for answer in answers:
        assert answer.headers["Strict-Transport-Security"] == "max-age=63072000", answer.url
    # Over plain HTTP it means nothing (browsers ignore it): only the redirect to HTTPS.
    plain = requests.get(f"http://127.0.0.1:{gate.http_port}/", allow_redirects=False, timeout=10)
    assert plain.status_code == 301 and "Strict-Transport-Security" not in plain.headers


@pytest.mark.parametrize("path", ["/2fa/auth", "/2fa//auth", "/2fa/%61uth", "/2fa/auth?rd=x", "/2fa/auth/"])
def test_auth_is_only_for_nginx_itself(gate, path):
    browser, _ = logged_in(gate)
    response = gate.fetch("GET", path, browser)
    assert response.status_code == 404
    assert "X-Auth-User" not in response.headers
