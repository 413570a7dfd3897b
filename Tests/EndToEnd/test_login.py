"""Issue 5: accounts and the complete two-factor login flow, through a real nginx."""
import re
import subprocess
import time
import urllib.parse

import pytest
import requests

from conftest import post_at_once, sign, totp

SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # 160 bits
FAILURE = "Invalid username, password or code"


def test_one_shot_login(stack):
    stack.add_user("alice", secret=SECRET)
    browser = stack.browser()
    response = browser.login("alice", code=totp(SECRET))
    assert response.status_code == 303
    assert response.headers["Location"] == "/home"
    home = browser.get("/home")
    assert home.status_code == 200 and "Welcome, alice" in home.text
    auth = browser.get("/auth")
    assert auth.status_code == 200 and auth.headers["X-Auth-User"] == "alice" and auth.content == b""


def test_two_step_login_and_partial_session(stack):
    stack.add_user("alice", secret=SECRET)
    browser = stack.browser()
    assert browser.login("alice").headers["Location"] == "/login/code"
    assert browser.get("/auth").status_code == 401  # password only: not logged in
    assert browser.get("/home").headers["Location"] == "/"
    response = browser.post("/login/code", {"code": totp(SECRET)}, csrf_from="/login/code")
    assert response.headers["Location"] == "/home"
    assert browser.get("/auth").status_code == 200


def test_anonymous_auth_is_401(stack):
    browser = stack.browser()
    assert browser.get("/auth").status_code == 401
    browser.get("/")
    assert browser.get("/auth").status_code == 401


def test_enrolment_from_a_fresh_user(stack):
    stack.add_user("newbie")
    browser = stack.browser()
    assert browser.login("newbie").headers["Location"] == "/enroll"
    page = browser.get("/enroll")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert '<img class="qr" src="qr"' in page.text
    qr = browser.get("/qr")
    assert qr.status_code == 200 and qr.headers["Content-Type"] == "image/png"
    assert qr.headers["Cache-Control"] == "no-store"
    image = stack.workdir / "qr.png"
    image.write_bytes(qr.content)
    uri = subprocess.run(["zbarimg", "--raw", "-q", str(image)], capture_output=True, text=True, check=True).stdout.strip()
    parsed = urllib.parse.urlparse(uri)
    assert parsed.scheme == "otpauth" and parsed.netloc == "totp"
    assert urllib.parse.unquote(parsed.path) == "/totpgate:newbie"
    secret = urllib.parse.parse_qs(parsed.query)["secret"][0]
    assert secret.replace(" ", "") in page.text.replace(" ", "")  # the same secret for manual entry
    done = browser.post("/enroll", {"code": totp(secret)}, csrf_from="/enroll")
    assert done.status_code == 200
    assert done.headers["Cache-Control"] == "no-store"
    codes = re.findall(r'class="recovery-code"><code>([^<]+)</code>', done.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert 'href="/home"' in done.text
    assert browser.get("/home").status_code == 200
    assert browser.get("/qr").status_code == 403
    assert "2FA" in stack.totpgate("user", "list").stdout


def test_qr_is_403_outside_enrolment(stack):
    stack.add_user("alice", secret=SECRET)
    browser = stack.browser()
    assert browser.get("/qr").status_code == 403
    browser.login("alice")
    assert browser.get("/qr").status_code == 403


def test_a_code_is_refused_when_replayed_in_a_new_session(stack):
    stack.add_user("alice", secret=SECRET)
    code = totp(SECRET)
    assert stack.browser().login("alice", code=code).headers["Location"] == "/home"
    replay = stack.browser()
    assert replay.login("alice", code=code).headers["Location"] == "/"
    assert FAILURE in replay.get("/").text
    assert "replay-refused user=alice" in stack.output()


def test_100_parallel_submissions_of_one_code_give_exactly_one_success(stack):
    stack.add_user("alice", secret=SECRET)
    browser = stack.browser()
    assert browser.login("alice").headers["Location"] == "/login/code"
    results = post_at_once([stack.url + "/login/code"] * 100, browser.cookie,
                           {"code": totp(SECRET), "csrf": browser.csrf("/login/code")})
    assert all(status == 303 for status, _ in results), results
    assert sum(1 for _, location in results if location == "/home") == 1


def test_lockout_after_10_failures_until_user_unlock(make_stack):
    stack = make_stack(serve_args=["--throttle-delay", "0"])
    stack.add_user("alice", secret=SECRET)
    for attempt in range(10):
        assert stack.browser().login("alice", password=f"wrong {attempt}").headers["Location"] == "/"
    locked = stack.browser()
    assert locked.login("alice", code=totp(SECRET)).headers["Location"] == "/"  # right password and code
    assert "locked" in locked.get("/").text
    assert "locked user=alice" in stack.output()
    result = stack.totpgate("user", "unlock", "alice")
    assert result.returncode == 0, result.stderr
    assert stack.browser().login("alice", code=totp(SECRET)).headers["Location"] == "/home"


def test_failures_from_one_address_never_lock_the_account_for_another(make_stack):
    stack = make_stack(serve_args=["--throttle-delay", "0"])
    stack.add_user("victim", secret=SECRET)
    attacker = stack.browser(source="127.0.0.2")
    for attempt in range(30):
        assert attacker.login("victim", password=f"wrong {attempt}").headers["Location"] == "/"
    assert "locked" in attacker.get("/").text
    assert "locked user=victim scope=pair client=127.0.0.2" in stack.output()
    owner = stack.browser(source="127.0.0.3")
    assert owner.login("victim", code=totp(SECRET)).headers["Location"] == "/home"


def test_an_address_trying_many_names_is_throttled_as_a_whole(make_stack):
    # An hour's delay, so that a slow machine cannot outwait it between the 20th failure and the next attempt.
    stack = make_stack(serve_args=["--throttle-delay", "3600"])
    stack.add_user("alice", secret=SECRET)
    sprayer = stack.browser(source="127.0.0.4")
    for index in range(20):
        sprayer.login(f"user{index}", password="123456")
    assert sprayer.login("alice", code=totp(SECRET)).headers["Location"] == "/"
    assert re.search(r"Too many attempts, try again in \d+ s", sprayer.get("/").text)
    assert stack.browser(source="127.0.0.5").login("alice", code=totp(SECRET)).headers["Location"] == "/home"


def test_throttled_attempts_are_told_when_to_retry(make_stack):
    # An hour's delay, so that a slow machine cannot outwait it between the 5th failure and the next attempt.
    stack = make_stack(serve_args=["--throttle-delay", "3600"])
    stack.add_user("alice", secret=SECRET)
    for attempt in range(5):
        stack.browser().login("alice", password=f"wrong {attempt}")
    browser = stack.browser()
    browser.login("alice", code=totp(SECRET))
    assert re.search(r"Too many attempts, try again in \d+ s", browser.get("/").text)


def test_a_recovery_code_works_once(stack):
    codes = stack.add_user("alice", secret=SECRET)
    assert len(codes) == 10
    assert stack.browser().login("alice", code=codes[0]).headers["Location"] == "/home"
    assert stack.browser().login("alice", code=codes[0]).headers["Location"] == "/"
    assert "recovery-code-used user=alice remaining=9" in stack.output()


def test_tampered_and_expired_cookies_are_refused(stack):
    stack.add_user("alice", secret=SECRET)
    browser = stack.browser()
    browser.login("alice", code=totp(SECRET))
    cookie = browser.cookie
    flipped = cookie[:40] + ("A" if cookie[40] != "A" else "B") + cookie[41:]
    assert requests.get(stack.url + "/auth", cookies={"totpgate": flipped}, timeout=10).status_code == 401
    now = int(time.time())
    user_id = "1"

    def session(issued, seen):
        return sign(stack, ["1", "sid" + str(issued), "f", user_id, "0", str(issued), str(seen), "csrf", "alice", "", "", ""])

    fresh = session(now - 60, now - 60)
    assert requests.get(stack.url + "/auth", cookies={"totpgate": fresh}, timeout=10).status_code == 200
    idle = session(now - 3600, now - 31 * 60)
    absolute = session(now - 13 * 3600, now - 60)
    for expired in (idle, absolute):
        assert requests.get(stack.url + "/auth", cookies={"totpgate": expired}, timeout=10).status_code == 401


def test_the_old_cookie_is_refused_after_logout(stack):
    stack.add_user("alice", secret=SECRET)
    browser = stack.browser()
    browser.login("alice", code=totp(SECRET))
    copy = browser.cookie
    assert browser.get("/auth").status_code == 200
    logout = browser.get("/logout")
    assert logout.status_code == 303 and logout.headers["Location"] == "/"
    # The cookie now holds a fresh anonymous session, there only to say so on the sign-in page.
    assert browser.cookie != copy
    assert browser.get("/auth").status_code == 401
    assert '<p class="notice" role="status">You have signed out.</p>' in browser.get("/").text
    for path in ("/auth", "/home"):
        response = requests.get(stack.url + path, cookies={"totpgate": copy}, allow_redirects=False, timeout=10)
        assert response.status_code in (401, 303)
        assert response.headers.get("X-Auth-User") is None


def test_user_logout_ends_every_session_within_a_second(stack):
    stack.add_user("alice", secret=SECRET)
    browser = stack.browser()
    browser.login("alice", code=totp(SECRET))
    assert browser.get("/auth").status_code == 200
    assert stack.totpgate("user", "logout", "alice").returncode == 0
    time.sleep(1.1)  # the stated delay: workers trust a cached answer for at most 1 s
    assert browser.get("/auth").status_code == 401


@pytest.mark.parametrize("path", ["/login", "/login/code", "/enroll", "/logout"])
def test_a_post_without_csrf_is_403_and_changes_nothing(stack, path):
    stack.add_user("alice", secret=SECRET)
    browser = stack.browser()
    browser.get("/")
    before = browser.cookie
    response = browser.post(path, {"username": "alice", "password": "correct horse battery", "code": totp(SECRET)})
    assert response.status_code == 403
    assert browser.cookie == before
    assert "login-" not in stack.output()


@pytest.mark.parametrize("rd", ["//evil.example", "https://evil.example/", "/\\evil.example", "javascript:alert(1)",
                                "http:/evil.example", "%2F%2Fevil.example", "/ok\r\nSet-Cookie: x=1"])
def test_open_redirect_attempts_land_on_home(stack, rd):
    stack.add_user("alice", secret=SECRET)
    response = stack.browser().login("alice", code=totp(SECRET), rd=rd)
    assert response.headers["Location"] == "/home"


def test_a_local_return_address_is_honoured(stack):
    stack.add_user("alice", secret=SECRET)
    response = stack.browser().login("alice", code=totp(SECRET), rd="/app/report?id=7")
    assert response.headers["Location"] == "/app/report?id=7"


def test_unknown_user_and_wrong_password_get_the_same_answer(stack):
    stack.add_user("alice", secret=SECRET)
    answers = []
    for name, password in (("mallory", "correct horse battery"), ("alice", "wrong horse battery")):
        browser = stack.browser()
        response = browser.login(name, password=password)
        answers.append((response.status_code, response.headers["Location"], FAILURE in browser.get("/").text))
    assert answers[0] == answers[1] == (303, "/", True)


def test_the_audit_log_has_events_but_no_secrets(stack):
    stack.add_user("alice", password="hunter2-but-longer", secret=SECRET)
    code = totp(SECRET)
    stack.browser().login("alice", password="hunter2-but-longer", code=code)
    stack.browser().login("alice", password="wrong-password-here")
    stack.browser().login("hunter2-typed-as-name", password="x" * 8)
    log = stack.output()
    assert "audit login-succeeded user=alice factor=totp client=127.0.0.1" in log
    assert "audit login-failed user=alice reason=password client=127.0.0.1" in log
    assert "audit login-failed user=- reason=unknown-user client=127.0.0.1" in log
    for secret in ("hunter2-but-longer", "wrong-password-here", "hunter2-typed-as-name", SECRET, code):
        assert secret not in log


def test_a_2000_byte_return_address_survives_nginx(stack):
    stack.add_user("alice", secret=SECRET)
    rd = "/" + "a/" * 999 + "x"
    browser = stack.browser()
    failed = browser.login("alice", password="wrong password", rd=rd)
    assert failed.status_code == 303  # not nginx's 502 "upstream sent too big header"
    assert f'value="{rd}"' in browser.get("/").text
    response = browser.login("alice", code=totp(SECRET), rd=rd)
    assert response.status_code == 303 and response.headers["Location"] == rd
