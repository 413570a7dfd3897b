"""Issue 6: totpgate behind Debian's apache2, through apache/totpgate.conf
(mod_proxy_fcgi) and apache/totpgate-fcgid.conf (mod_fcgid, fd-0 mode),
mounted at /2fa/, over TLS."""
import re
import subprocess
import time
import urllib.parse

import pytest

from conftest import make_stacks, totp
from deployments import ApacheStack, self_signed_certificate

SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def make_apache(tmp_path, tls):
    yield from make_stacks(lambda index, **kwargs: ApacheStack(tmp_path / f"apache{index}", tls, **kwargs))


def test_the_complete_login_flow_through_mod_proxy_fcgi(make_apache):
    apache = make_apache()
    apache.add_user("newbie")
    browser = apache.browser()
    page = browser.get("/")
    assert page.status_code == 200
    assert 'action="/2fa/login"' in page.text and 'href="/2fa/static/totpgate.css"' in page.text
    cookie = page.headers["Set-Cookie"]
    assert "Secure" in cookie and "Path=/;" in cookie
    css = browser.get("/static/totpgate.css")
    assert css.status_code == 200 and "Content-Security-Policy" not in css.headers  # Apache, not totpgate

    assert browser.login("newbie", rd="/wiki/").headers["Location"] == "/2fa/enroll"
    enrol = browser.get("/enroll")
    assert enrol.status_code == 200 and enrol.headers["Cache-Control"] == "no-store"
    qr = browser.get("/qr")
    assert qr.status_code == 200 and qr.headers["Content-Type"] == "image/png"
    image = apache.workdir / "qr.png"
    image.write_bytes(qr.content)
    uri = subprocess.run(["zbarimg", "--raw", "-q", str(image)], capture_output=True, text=True, check=True).stdout.strip()
    secret = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)["secret"][0]
    done = browser.post("/enroll", {"code": totp(secret)}, csrf_from="/enroll")
    assert done.status_code == 200
    assert len(re.findall(r'class="recovery-code"', done.text)) == 10
    home = browser.get("/home")
    assert home.status_code == 200 and "Welcome, newbie" in home.text
    auth = browser.get("/auth")
    assert auth.status_code == 403 and "X-Auth-User" not in auth.headers  # for nginx's auth_request only

    assert browser.get("/logout").headers["Location"] == "/2fa/"
    assert browser.get("/home").headers["Location"] == "/2fa/"
    assert browser.login("newbie", code=totp(secret, at=int(time.time()) + 30)).headers["Location"] == "/2fa/home"
    assert browser.get("/nope").status_code == 404
    assert apache.fetch("GET", "/2fa").headers["Location"].endswith("/2fa/")


def test_a_one_shot_login_through_mod_fcgid(make_apache):
    apache = make_apache(fcgid=True)
    apache.add_user("alice", secret=SECRET)
    browser = apache.browser()
    page = browser.get("/")
    assert page.status_code == 200, apache.error_log()
    assert 'action="/2fa/login"' in page.text
    assert browser.login("alice", code=totp(SECRET)).headers["Location"] == "/2fa/home"
    assert "Welcome, alice" in browser.get("/home").text
    assert browser.get("/static/totpgate.css").status_code == 200


@pytest.mark.parametrize("fcgid", [False, True], ids=["proxy_fcgi", "fcgid"])
def test_auth_is_closed_to_visitors(make_apache, fcgid):
    apache = make_apache(fcgid=fcgid)
    apache.add_user("alice", secret=SECRET)
    browser = apache.browser()
    assert browser.login("alice", code=totp(SECRET)).headers["Location"] == "/2fa/home"
    assert browser.get("/home").status_code == 200
    for path in ["/2fa/auth", "/2fa/auth?rd=x", "/2fa//auth", "/2fa/%61uth", "/2fa/auth/"]:
        response = apache.fetch("GET", path, browser)
        assert response.status_code == 403, path
        assert "X-Auth-User" not in response.headers
