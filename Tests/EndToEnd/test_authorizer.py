"""Issue 18: totpgate as a FastCGI Authorizer, guarding a static directory
and a proxied app behind Apache (mod_authnz_fcgi, apache/totpgate-authorizer.conf)
and lighttpd (mod_fastcgi's authorizer mode, lighttpd/totpgate-authorizer.conf),
both as committed, over TLS; the login pages at /2fa/ on the same host."""
import json
import re
import time
import urllib.parse
from pathlib import Path

import pytest
import requests

from conftest import Phone, make_stacks, sign, totp, wait_for
from deployments import (ALICE_SECRET, PROTECTED_FILE, WIKI_PAGE, AuthorizerApacheStack, LighttpdStack, Upstream,
                         assert_sent_to_login, logged_in, login_location, self_signed_certificate)
from readme_steps import ReadmeSection

SECRET = ALICE_SECRET
PASSWORD = "correct horse battery"
SERVERS = {"apache": AuthorizerApacheStack, "lighttpd": LighttpdStack}
# What a client might send hoping the app takes it for the user: the headers
# the examples set, their spellings with underscores (which app servers read
# as the same CGI name), the header lighttpd puts the user in, and the
# authorizer's own response header names.
FORGED = [{"X-Auth-User": "admin"}, {"x-auth-user": "root"}, {"X-Auth-User": "alice, admin"}, {"X_Auth_User": "admin"},
          {"X-Auth_User": "admin"}, {"X_Auth-User": "admin"}, {"X-Auth-Groups": "admins"}, {"X_Auth_Groups": "admins"},
          {"Remote-User": "admin"}, {"Remote_User": "admin"}, {"Forwarded": 'for=192.0.2.1;remote_user="admin"'},
          {"Variable-REMOTE_USER": "admin"}]


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    return self_signed_certificate(tmp_path_factory.mktemp("tls"), hosts=("app.example.com", "wiki.example.com"))


@pytest.fixture
def upstream():
    server = Upstream(all_headers=True)
    yield server
    server.stop()


@pytest.fixture(params=SERVERS)
def make_site(request, tmp_path, tls, upstream):
    """`make(*settings)`: a new site behind the server of the test's parameter."""
    server = SERVERS[request.param]
    yield from make_stacks(lambda index, *settings: server(tmp_path / f"site{index}", tls, upstream, settings))


@pytest.fixture
def make_apache(tmp_path, tls, upstream):
    yield from make_stacks(lambda index, *settings: AuthorizerApacheStack(tmp_path / f"apache{index}", tls, upstream, settings))


@pytest.fixture
def site(make_site):
    site = make_site()
    site.add_user("alice", secret=SECRET)
    return site


@pytest.mark.parametrize("path", ["/private/secret.txt", "/app/search?q=a+b&page=2", "/app/a%20b/%C3%A9?x=%26y"])
def test_anonymous_requests_get_the_login_page_carrying_rd(site, upstream, path):
    response = site.fetch("GET", path)
    assert_sent_to_login(site, response, path)
    assert response.headers["Cache-Control"] == "no-store"
    assert PROTECTED_FILE not in response.text
    assert upstream.received == []


def test_a_one_shot_login_leads_back_to_the_protected_file(site):
    browser, response = logged_in(site, rd="/private/secret.txt")
    assert response.headers["Location"] == "/private/secret.txt"
    protected = site.fetch("GET", "/private/secret.txt", browser)
    assert protected.status_code == 200
    # The file as it is: no byte from totpgate, none of its headers (its CSP
    # would break the site), nothing of what it told the web server.
    assert protected.text == PROTECTED_FILE
    for header in ("Content-Security-Policy", "X-Frame-Options", "Variable-REMOTE_USER", "Variable-TOTPGATE_GROUPS"):
        assert header not in protected.headers
    assert protected.headers.get("Cache-Control") != "no-cache"


def test_a_two_step_login_leads_back_to_the_protected_app(site, upstream):
    browser = site.browser()
    assert login_location(site.fetch("GET", "/app/report?year=2026", browser)) == ("/2fa/", "/app/report?year=2026")
    assert browser.login("alice", rd="/app/report?year=2026").headers["Location"] == "/2fa/login/code"
    back = browser.post("/login/code", {"code": totp(SECRET)}, csrf_from="/login/code")
    assert back.status_code == 303 and back.headers["Location"] == "/app/report?year=2026"
    app = site.fetch("GET", "/app/report?year=2026", browser)
    assert app.status_code == 200
    assert site.user_the_app_saw(json.loads(app.text)) == ["alice"]
    assert [record["path"] for record in upstream.received] == ["/app/report?year=2026"]


@pytest.mark.parametrize("forged", FORGED, ids=lambda headers: "+".join(headers))
def test_the_app_learns_the_user_and_never_a_forged_one(site, upstream, forged):
    assert site.fetch("GET", "/app/", headers=forged).status_code == 302
    assert upstream.received == []
    browser, _ = logged_in(site)
    response = site.fetch("GET", "/app/whoami", browser, headers=forged)
    assert response.status_code == 200
    record = json.loads(response.text)
    assert site.user_the_app_saw(record) == ["alice"]
    for name, value in record["headers"]:
        if name.lower().replace("_", "-") in site.IDENTITY_HEADERS:
            assert "admin" not in value and "root" not in value, (name, value)


def test_the_app_behind_apache_learns_the_users_groups(make_apache, upstream):
    site = make_apache()
    site.add_user("alice", secret=SECRET)
    result = site.totpgate("user", "groups", "alice", "--add", "staff", "--add", "admins")
    assert result.returncode == 0, result.stderr
    browser, _ = logged_in(site)
    record = json.loads(site.fetch("GET", "/app/whoami", browser, headers={"X-Auth-Groups": "root"}).text)
    assert [value for name, value in record["headers"] if name.lower() == "x-auth-groups"] == ["admins,staff"]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_every_method_is_gated_and_the_body_goes_to_the_app(site, upstream, method):
    body = b"x" * (20 * 1024)  # more than totpgate reads: the body is the app's, not the authorizer's
    anonymous = site.fetch(method, "/app/upload", data=body)
    assert anonymous.status_code == 302 and login_location(anonymous) == ("/2fa/", "/app/upload")
    assert upstream.received == []
    browser, _ = logged_in(site)
    response = site.fetch(method, "/app/upload", browser, data=body)
    assert response.status_code == 200
    record = json.loads(response.text)
    assert (record["method"], record["path"], record["body"]) == (method, "/app/upload", len(body))
    assert site.user_the_app_saw(record) == ["alice"]


def test_a_half_done_login_is_not_a_login(site):
    browser = site.browser()
    assert browser.login("alice").headers["Location"] == "/2fa/login/code"
    assert login_location(site.fetch("GET", "/private/secret.txt", browser)) == ("/2fa/", "/private/secret.txt")


def test_logout_makes_the_site_protected_again(site):
    browser, _ = logged_in(site)
    assert site.fetch("GET", "/private/secret.txt", browser).status_code == 200
    old = browser.cookie
    assert browser.get("/logout").headers["Location"] == "/2fa/"
    for cookies in (None, {"totpgate": old}):
        response = site.fetch("GET", "/private/secret.txt", browser if cookies is None else None, cookies=cookies)
        assert response.status_code == 302 and PROTECTED_FILE not in response.text


def test_user_logout_from_the_command_line_ends_access(site):
    browser, _ = logged_in(site)
    assert site.fetch("GET", "/app/", browser).status_code == 200
    assert site.totpgate("user", "logout", "alice").returncode == 0
    # The responder learns of it within its revocation cache's second.
    wait_for(lambda: site.fetch("GET", "/app/", browser).status_code == 302, "the session to end")


def test_without_totpgate_the_site_stays_closed(site, upstream):
    browser, _ = logged_in(site)
    assert site.fetch("GET", "/private/secret.txt", browser).status_code == 200
    assert site.terminate_responder() == 0
    for path in ("/private/secret.txt", "/app/"):
        response = site.fetch("GET", path, browser)
        assert response.status_code in (500, 503), (path, response.status_code)
        assert PROTECTED_FILE not in response.text
    assert upstream.received == []


def test_totpgate_pages_are_open_and_its_auth_route_closed(site):
    page = site.get("/")
    assert page.status_code == 200
    assert 'action="/2fa/login"' in page.text and 'href="/2fa/static/totpgate.css"' in page.text
    assert "Secure" in page.headers["Set-Cookie"] and "Path=/;" in page.headers["Set-Cookie"]
    css = site.get("/static/totpgate.css")
    assert css.status_code == 200 and "Content-Security-Policy" not in css.headers
    assert site.fetch("GET", "/2fa").headers["Location"].endswith("/2fa/")
    browser, _ = logged_in(site)
    for path in ["/2fa/auth", "/2fa/auth?rd=x", "/2fa//auth", "/2fa/%61uth", "/2fa/auth/"]:
        response = site.fetch("GET", path, browser)
        assert response.status_code == 403, path
        assert "X-Auth-User" not in response.headers


def test_every_https_answer_sends_hsts(site):
    browser, _ = logged_in(site)
    answers = [site.fetch("GET", "/2fa/"), site.fetch("GET", "/private/secret.txt"),
               site.fetch("GET", "/private/secret.txt", browser), site.fetch("GET", "/app/", browser)]
    assert [answer.status_code for answer in answers] == [200, 302, 200, 200]
    for answer in answers:
        assert answer.headers["Strict-Transport-Security"] == "max-age=63072000", answer.url


def test_plain_http_is_sent_to_https(site):
    response = requests.get(f"http://127.0.0.1:{site.http_port}/private/secret.txt", allow_redirects=False, timeout=10)
    assert response.status_code == 301
    assert response.headers["Location"].startswith("https://") and response.headers["Location"].endswith("/private/secret.txt")


def test_the_renewed_cookie_reaches_the_browser_through_apache(make_apache):
    # Apache keeps the headers of an authorizer's 200 besides Variable-*
    # (lighttpd drops them), so the session is renewed while it is used.
    apache = make_apache()
    apache.add_user("alice", secret=SECRET)
    now = int(time.time())
    # A session last seen 2 minutes ago is due for renewal (every 60 s at most).
    cookie = sign(apache, ["1", "renewme", "f", "1", "0", str(now - 600), str(now - 120), "csrf", "alice", "", "", ""])
    response = apache.fetch("GET", "/private/secret.txt", cookies={"totpgate": cookie})
    assert response.status_code == 200 and response.text == PROTECTED_FILE
    renewed = response.headers["Set-Cookie"]
    assert renewed.startswith("totpgate=") and "Secure" in renewed and "HttpOnly" in renewed
    fresh = renewed.split(";")[0].split("=", 1)[1]
    assert fresh != cookie
    again = apache.fetch("GET", "/app/", cookies={"totpgate": fresh})
    assert again.status_code == 200 and "Set-Cookie" not in again.headers


def test_a_session_in_use_is_renewed_through_the_login_page(site):
    # lighttpd drops the renewed cookie of an authorizer's 200 (Apache passes
    # it on), so a page the browser navigates to, once half the session's 30
    # idle minutes are gone, goes through the login page for a new one.
    now = int(time.time())
    cookie = sign(site, ["1", "inuse", "f", "1", "0", str(now - 1200), str(now - 1000), "csrf", "alice", "", "", ""])
    navigation = {"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
    detour = site.fetch("GET", "/private/secret.txt", cookies={"totpgate": cookie}, headers=navigation)
    assert detour.status_code == 302
    assert login_location(detour) == ("/2fa/", "/private/secret.txt")
    back = site.fetch("GET", detour.headers["Location"], cookies={"totpgate": cookie}, headers=navigation)
    assert back.status_code == 303 and back.headers["Location"] == "/private/secret.txt"
    renewed = back.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    assert renewed != cookie
    page = site.fetch("GET", "/private/secret.txt", cookies={"totpgate": renewed}, headers=navigation)
    assert page.status_code == 200 and page.text == PROTECTED_FILE


@pytest.mark.parametrize("sent, received", [
    ("totpgate={session}", []),
    ("totpgate={session}; theme=dark", ["theme=dark"]),
    ("a=1; totpgate={session}; b=2", ["a=1; b=2"]),
    ("a=1;totpgate={session};b=2", ["a=1;b=2"]),
    ("totpgate={session}; a=1; totpgate={session}", ["a=1"]),
    ("xtotpgate=1; totpgate={session}; totpgate_theme=2", ["xtotpgate=1; totpgate_theme=2"]),
])
def test_the_app_behind_apache_gets_every_cookie_but_the_session(make_apache, sent, received):
    apache = make_apache()
    apache.add_user("alice", secret=SECRET)
    browser, _ = logged_in(apache)
    response = apache.fetch("GET", "/app/", headers={"Cookie": sent.format(session=browser.cookie)})
    assert response.status_code == 200
    assert json.loads(response.text)["cookie"] == received


def test_a_whole_site_on_another_host_with_the_login_on_this_one(make_apache):
    apache = make_apache("cookie-domain = example.com", "allowed-redirect-host = wiki.example.com:{port}",
                         "login-url = https://app.example.com:{port}/2fa/")
    apache.add_user("alice", secret=SECRET)
    wiki, app = f"wiki.example.com:{apache.port}", f"app.example.com:{apache.port}"
    anonymous = apache.fetch("GET", "/index.html?page=Start", headers={"Host": wiki})
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith(f"https://{app}/2fa/?rd=")
    assert login_location(anonymous) == ("/2fa/", f"https://{wiki}/index.html?page=Start")

    # The login on the login host (the cookie is for example.com, so it is passed by hand).
    page = apache.fetch("GET", "/2fa/", headers={"Host": app})
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    anonymous_session = page.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    login = apache.fetch("POST", "/2fa/login", headers={"Host": app}, cookies={"totpgate": anonymous_session}, data={
        "csrf": csrf, "username": "alice", "password": PASSWORD, "code": totp(SECRET),
        "rd": f"https://{wiki}/index.html?page=Start"})
    assert login.status_code == 303 and login.headers["Location"] == f"https://{wiki}/index.html?page=Start"
    assert "Domain=example.com" in login.headers["Set-Cookie"]
    session = login.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    back = apache.fetch("GET", "/index.html?page=Start", headers={"Host": wiki}, cookies={"totpgate": session})
    assert back.status_code == 200 and back.text == WIKI_PAGE


def test_the_browser_journey_through_apache(make_apache, chrome):
    apache = make_apache()
    apache.add_user("alice", password=PASSWORD, secret=SECRET)
    phone = Phone(SECRET)

    # A bookmark to a protected file leads to the login page, and back.
    chrome.open(apache.origin + "/private/secret.txt")
    chrome.wait_for_path("/2fa/")
    chrome.wait_for_heading("Sign in")
    chrome.type("#username", "alice")
    chrome.type("#password", PASSWORD, submit=True)
    chrome.wait_for_path("/2fa/login/code")
    chrome.type("#code", phone.code(), submit=True)
    chrome.wait_for_path("/private/secret.txt")
    assert chrome.find("body").text == PROTECTED_FILE.strip()

    # The app knows who it is; the gate's own pages too.
    chrome.open(apache.origin + "/app/whoami")
    assert json.loads(chrome.find("pre").text)["x-auth-user"] == ["alice"]
    chrome.open(apache.origin + "/2fa/home")
    chrome.wait_for_heading("Welcome, alice")

    # Signing out closes the site again.
    chrome.click(".welcome a[href='/2fa/logout']")
    chrome.wait_for_path("/2fa/")
    chrome.open(apache.origin + "/app/whoami")
    chrome.wait_for_path("/2fa/")
    chrome.wait_for_heading("Sign in")
    assert chrome.console_problems() == []


# What Debian's apache2 package enables by itself.
DEBIAN_APACHE_MODULES = {"access_compat", "alias", "auth_basic", "authn_core", "authn_file", "authz_core", "authz_host",
                         "authz_user", "autoindex", "deflate", "dir", "env", "filter", "mime", "mpm_event", "negotiation",
                         "reqtimeout", "setenvif", "status"}


def test_readmes_a2enmod_line_enables_what_the_example_needs():
    # README's Apache steps run a2enmod (Debian's apache2 package; the tests
    # have apache2-bin): the modules it names, with Debian's defaults and
    # proxy (which a2enmod enables for proxy_fcgi), are those the tests load.
    line = ReadmeSection("Protecting sites with Apache")("a2enmod ssl headers setenvif proxy_fcgi proxy_http authnz_fcgi")
    named = set(line.split()[1:])
    assert set(AuthorizerApacheStack.MODULES) <= named | DEBIAN_APACHE_MODULES | {"proxy"}
    for module in named:
        assert Path(f"/usr/lib/apache2/modules/mod_{module}.so").exists(), module
