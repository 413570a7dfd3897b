"""Issue 7: the pages in a real browser — Debian's headless Chromium through
Selenium, in front of real nginx and totpgate. The whole journey a person
takes, with no console error or CSP violation, WCAG AA contrast in both
colour schemes, labelled fields, visible keyboard focus, and screenshots at
phone and laptop widths."""
import re
import subprocess
import urllib.parse

from conftest import SCREENSHOTS, Phone

PASSWORD = "correct horse battery"
FAILURE = "Invalid username, password or code"
SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
WRONG_CODE = ("That code did not work. Type the code your app shows now; if it fails again, "
              "check that your phone sets its clock automatically.")
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}  # a common phone's screen, in CSS pixels
contrast_seen = {}  # (scheme, colour, background) -> (ratio, needed, where), for contrast.txt


def check_page(chrome, name, expected_console=(), schemes=("light",)):
    """What every page must offer: nothing in the console, readable contrast,
    labelled fields, a visible focus on every control; then its screenshots."""
    assert chrome.console_problems(expected_console) == [], f"console on {name}"
    chrome.screenshot(name, schemes)
    for scheme, found in chrome.accessibility().items():
        assert found["unlabelled"] == [], f"fields without a label on {name}"
        for text in found["texts"]:
            key = (scheme, text["color"], text["background"])
            contrast_seen.setdefault(key, (text["ratio"], text["needed"], text["what"]))
            assert text["ratio"] >= text["needed"], f"{name} ({scheme}): {text}"
        for border in found["borders"]:
            assert border["ratio"] >= 3, f"{name} ({scheme}): field border {border}"
    focusable, focused = chrome.tab_through()
    assert len(focused) >= focusable, f"{name}: Tab reached {len(focused)} of {focusable} controls"
    for state in focused:
        assert state["focusVisible"] and state["outlineStyle"] != "none", f"{name}: no focus ring on {state}"
        assert state["outlineWidth"] >= 2 and state["contrast"] >= 3, f"{name}: faint focus ring on {state}"
    assert chrome.console_problems(expected_console) == [], f"console on {name}"


def sign_in(chrome, stack):
    chrome.open(stack.url + "/")
    chrome.type("#username", "alice")
    chrome.type("#password", PASSWORD, submit=True)


def facts(chrome):
    """The home page's facts, term → value."""
    terms = [e.text for e in chrome.find_all(".facts dt")]
    return dict(zip(terms, [e.text for e in chrome.find_all(".facts dd")]))


def test_the_whole_journey(stack, chrome):
    stack.add_user("alice", password=PASSWORD)

    # Sign in: fields a password manager fills, the first one focused.
    chrome.open(stack.url + "/")
    chrome.wait_for_path("/")
    assert chrome.find("#username").get_attribute("autocomplete") == "username"
    assert chrome.find("#password").get_attribute("autocomplete") == "current-password"
    assert chrome.driver.switch_to.active_element.get_attribute("id") == "username"
    check_page(chrome, "login")
    sign_in(chrome, stack)

    # Enrolment: the secret comes from the QR image the browser shows, as a phone would read it.
    chrome.wait_for_path("/enroll")
    assert [e.text for e in chrome.find_all(".steps > li h2")] == [
        "Install an authenticator app", "Scan this QR code with the app", "Type the code the app shows"]
    check_page(chrome, "enroll", schemes=("light", "dark"))
    qr = chrome.workdir / "qr.png"
    qr.write_bytes(chrome.element_png("img.qr"))
    uri = subprocess.run(["zbarimg", "--raw", "-q", str(qr)], capture_output=True, text=True, timeout=10,
                         check=True).stdout.strip()
    query = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)
    secret = query["secret"][0]
    assert chrome.find(".secret code").text.replace(" ", "") == secret
    assert chrome.find(".app-entry").text.split() == ["totpgate", "alice"]
    code_field = chrome.find("#code")
    assert (code_field.get_attribute("inputmode"), code_field.get_attribute("autocomplete")) == ("numeric", "one-time-code")
    phone = Phone(secret)
    chrome.type("#code", phone.code(), submit=True)

    # The recovery codes, shown once, and the same codes as a text file.
    chrome.wait_for_heading("Save your recovery codes")
    codes = [e.text for e in chrome.find_all(".recovery-code")]
    assert len(codes) == 10 and all(re.fullmatch(r"[0-9a-z]{5}-[0-9a-z]{5}", c) for c in codes)
    check_page(chrome, "recovery")
    chrome.click("a[download]")
    download = chrome.wait_for_download("totpgate-recovery-codes-alice.txt")
    assert download.splitlines()[-10:] == codes
    chrome.click(".actions a[href='/home']")

    # Home says who and since when, and counts the codes.
    chrome.wait_for_path("/home")
    chrome.wait_for_heading("Welcome, alice")
    assert facts(chrome)["Recovery codes left"] == "10"
    assert facts(chrome)["Signed in"].endswith("(just now)")
    check_page(chrome, "home", schemes=("light", "dark"))
    chrome.click(".welcome a[href='/logout']")
    chrome.wait_for_path("/")

    # Again, now with a code: a wrong one first.
    sign_in(chrome, stack)
    chrome.wait_for_path("/login/code")
    check_page(chrome, "code")
    chrome.type("#code", phone.wrong_code(), submit=True)
    assert chrome.find("[role=alert]").text == WRONG_CODE
    assert chrome.find("#code").get_attribute("aria-invalid") == "true"
    check_page(chrome, "code-error")
    chrome.type("#code", phone.code(), submit=True)
    chrome.wait_for_path("/home")

    # New recovery codes on proof of a current code.
    chrome.type("#code", phone.code(), submit=True)
    chrome.wait_for_heading("Your new recovery codes")
    fresh = [e.text for e in chrome.find_all(".recovery-code")]
    assert len(fresh) == 10 and not set(fresh) & set(codes)
    chrome.click(".actions a[href='/home']")
    chrome.wait_for_path("/home")
    chrome.click(".welcome a[href='/logout']")
    chrome.wait_for_path("/")

    # A recovery code in place of the phone.
    sign_in(chrome, stack)
    chrome.wait_for_path("/login/code")
    chrome.click("details.other-way summary")
    chrome.type("#recovery", fresh[0], submit=True)
    chrome.wait_for_path("/home")
    assert facts(chrome)["Recovery codes left"] == "9"

    # Signing out of all sessions ends this one too.
    chrome.click("form[action='/logout/everywhere'] button")
    chrome.wait_for_path("/")
    chrome.open(stack.url + "/home")
    chrome.wait_for_path("/")
    assert chrome.console_problems() == []

    report = SCREENSHOTS / "contrast.txt"
    report.write_text("".join(f"{scheme}\t{color}\ton {background}\t{ratio:.2f}:1\t(needs {needed})\t{where}\n"
                              for (scheme, color, background), (ratio, needed, where) in sorted(contrast_seen.items())))


def beside_the_field(chrome, field):
    """On the phone's screen: `field` has the focus, and the error message
    sits just above it, both in view (not scrolled away behind a keyboard)."""
    assert chrome.driver.switch_to.active_element.get_attribute("id") == field
    alert, input_ = chrome.find("[role=alert]").rect, chrome.find(f"#{field}").rect
    gap = input_["y"] - (alert["y"] + alert["height"])
    assert 0 <= gap <= 56, f"{gap} px between the message and #{field}"  # at most the field's own label between
    bottom = chrome.driver.execute_script("return window.innerHeight + window.scrollY")
    assert input_["y"] + input_["height"] <= bottom and alert["y"] >= chrome.driver.execute_script("return window.scrollY")


def test_on_a_phone_errors_sit_beside_the_field_that_takes_the_focus(stack, chrome):
    """The newcomer's pages on a 390 px screen: a wrong password keeps the
    name and focuses the password beside the message; a wrong code names the
    phone's clock, beside the focused code field; the code page names the
    account and whom to ask when the phone is lost; logging out says so."""
    stack.add_user("alice", password=PASSWORD, secret=SECRET)
    phone = Phone(SECRET)
    chrome.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    chrome.open(stack.url + "/")
    chrome.type("#username", "alice")
    chrome.type("#password", "wrong horse", submit=True)
    chrome.wait_for_path("/")
    assert chrome.find("[role=alert]").text == FAILURE
    assert chrome.find("#username").get_attribute("value") == "alice"
    beside_the_field(chrome, "password")
    check_page(chrome, "login-error")

    chrome.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    chrome.type("#password", PASSWORD, submit=True)
    chrome.wait_for_path("/login/code")
    assert chrome.find(".lead").text.startswith("Signing in as alice.")
    chrome.click("details.other-way summary")
    assert "Ask your administrator to reset two-step verification for alice" in chrome.find("details.other-way").text
    chrome.type("#code", phone.wrong_code(), submit=True)
    chrome.wait_for_path("/login/code")
    assert chrome.find("[role=alert]").text == WRONG_CODE
    beside_the_field(chrome, "code")

    chrome.type("#code", phone.code(), submit=True)
    chrome.wait_for_path("/home")
    chrome.click(".welcome a[href='/logout']")
    chrome.wait_for_path("/")
    assert chrome.find("[role=status]").text == "You have signed out."
    assert chrome.driver.switch_to.active_element.get_attribute("id") == "username"
    check_page(chrome, "signed-out")
    chrome.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_a_reloaded_form_address_speaks_to_people(stack, chrome):
    """A bookmarked or reloaded form address (405) says what to do, not which methods."""
    chrome.open(stack.url + "/login")
    chrome.wait_for_heading("Nothing to open here")
    lead = chrome.find(".lead").text
    assert "Start again from the sign-in page" in lead and "GET" not in lead and "POST" not in lead
    check_page(chrome, "error-405", expected_console=("status of 405",))


def test_error_pages_look_like_the_rest(stack, chrome):
    chrome.open(stack.url + "/no/such/page")
    chrome.wait_for_heading("Page not found")
    assert chrome.find(".status").text == "Error 404"
    check_page(chrome, "error-404", expected_console=("status of 404",))

    # A form whose session has gone: the 403 page says what to do.
    chrome.open(stack.url + "/")
    chrome.driver.delete_all_cookies()
    chrome.type("#username", "alice")
    chrome.type("#password", PASSWORD, submit=True)
    chrome.wait_for_heading("Not allowed")
    assert "reload the page" in chrome.find(".lead").text
    check_page(chrome, "error-403", expected_console=("status of 403",))
    chrome.click("a.button")
    chrome.wait_for_path("/")
    chrome.wait_for_heading("Sign in")


def test_a_name_and_logo_from_the_settings(make_stack, chrome):
    stack = make_stack(serve_args=["--app-name", "Example Co", "--logo", "/static/favicon.svg"])
    chrome.open(stack.url + "/")
    assert chrome.find(".brand").text == "Example Co"
    logo = chrome.find(".brand img.logo")
    assert chrome.driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", logo)
    assert chrome.driver.title == "Sign in · Example Co"
    assert chrome.console_problems() == []


def test_a_logo_from_another_site_is_refused(stack):
    result = stack.totpgate("serve", "--logo", "https://cdn.example/logo.png")
    assert result.returncode != 0 and "--logo https://cdn.example/logo.png: must be a path on this site" in result.stderr
