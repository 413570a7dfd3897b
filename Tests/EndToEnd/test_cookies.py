"""The session cookie through nginx (issue 12): a planted cookie never wins,
a cross-site GET /logout only asks, the password step is never extended, and
a signed cookie with extreme times is no session and crashes nothing."""
import base64
import re
import time

import requests

from conftest import DEADLINE, sign, totp

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def logged_in(stack, name):
    stack.add_user(name, secret=SECRET)
    browser = stack.browser()
    assert browser.login(name, code=totp(SECRET)).headers["Location"] == "/home"
    return browser


def with_cookie(stack, path, cookie, **headers):
    return requests.get(stack.url + path, headers={"Cookie": cookie, **headers}, allow_redirects=False, timeout=DEADLINE)


def fields_of(cookie):
    """The fields a session cookie value carries (SessionCodec's layout)."""
    payload = cookie.split(".")[1]
    return base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode().split("|")


def test_a_planted_session_beside_the_users_own_wins_nothing(stack):
    victim = logged_in(stack, "alice").cookie
    planted = logged_in(stack, "mallory").cookie
    for cookies in (f"totpgate={planted}; totpgate={victim}", f"totpgate={victim}; totpgate={planted}"):
        home = with_cookie(stack, "/home", cookies)
        assert home.status_code == 303 and home.headers["Location"] == "/", cookies
        assert "mallory" not in with_cookie(stack, "/", cookies).text
    assert "Welcome, alice" in with_cookie(stack, "/home", f"totpgate={victim}; totpgate={victim}").text


def test_a_cross_site_get_logout_only_asks(stack):
    browser = logged_in(stack, "alice")
    asked = browser.get("/logout", headers={"Sec-Fetch-Site": "cross-site"})
    assert asked.status_code == 200 and "Set-Cookie" not in asked.headers
    assert '<form method="post" action="/logout">' in asked.text
    assert "Welcome, alice" in browser.get("/home").text
    # Nothing vouches for a request without Fetch Metadata, Origin or Referer: it asks too.
    bare = requests.get(stack.url + "/logout", cookies={"totpgate": browser.cookie}, allow_redirects=False, timeout=DEADLINE)
    assert bare.status_code == 200 and "Welcome, alice" in browser.get("/home").text
    # The page's button logs out.
    csrf = re.search(r'name="csrf" value="([^"]+)"', asked.text).group(1)
    assert browser.post("/logout", {"csrf": csrf}).headers["Location"] == "/"
    assert browser.get("/home").headers["Location"] == "/"


def test_an_empty_code_never_extends_the_password_step(stack):
    stack.add_user("alice", secret=SECRET)
    browser = stack.browser()
    assert browser.login("alice").headers["Location"] == "/login/code"
    fields = fields_of(browser.cookie)
    # The step as if begun 4 min 50 s ago, signed with the real key.
    fields[5] = fields[6] = str(int(time.time()) - 290)
    answer = post_with(stack, "/login/code", sign(stack, fields), {"code": "", "csrf": fields[7]})
    assert answer.status_code == 303 and answer.headers["Location"] == "/login/code"
    kept = answer.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    assert fields_of(kept)[5] == fields[5]
    # Past its 5 minutes it has ended, empty codes or not.
    fields[5] = fields[6] = str(int(time.time()) - 301)
    ended = sign(stack, fields)
    assert post_with(stack, "/login/code", ended, {"code": "", "csrf": fields[7]}).status_code == 403
    assert with_cookie(stack, "/login/code", f"totpgate={ended}").headers["Location"] == "/"


def post_with(stack, path, cookie, fields):
    """A form POST from this site's page, with the session `cookie`."""
    return requests.post(stack.url + path, data=fields, headers={"Cookie": f"totpgate={cookie}"},
                         allow_redirects=False, timeout=DEADLINE)


def test_a_signed_cookie_with_extreme_times_is_no_session_and_kills_nothing(stack):
    stack.add_user("alice", secret=SECRET)
    workers = stack.worker_pids()
    now = str(int(time.time()))
    for extreme in ("-9223372036854775808", "9223372036854775807", "-1"):
        for issued, seen in ((extreme, now), (now, extreme), (extreme, extreme)):
            cookie = sign(stack, ["1", "s", "f", "1", "0", issued, seen, "csrf", "alice", "", "", ""])
            assert with_cookie(stack, "/home", f"totpgate={cookie}").headers["Location"] == "/"
            logout = with_cookie(stack, "/logout", f"totpgate={cookie}", **{"Sec-Fetch-Site": "same-origin"})
            assert logout.status_code == 303
    assert stack.worker_pids() == workers
    assert "killed by signal" not in stack.output()
