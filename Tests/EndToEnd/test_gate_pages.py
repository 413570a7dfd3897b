"""Issue 14's pages in a real browser (Chromium through Selenium, as
test_pages.py): the code step's "Remember this device", the home page's
devices, /password, /verify and the "not allowed" page; no console error,
labelled fields, WCAG AA contrast, visible focus, screenshots."""
import time

from test_pages import PASSWORD, Phone, check_page, sign_in

SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


def test_remember_this_device_and_the_devices_on_home(stack, chrome):
    stack.add_user("alice", password=PASSWORD, secret=SECRET)
    phone = Phone(SECRET)
    sign_in(chrome, stack)
    chrome.wait_for_path("/login/code")
    assert chrome.find("label[for=remember]").text.startswith("Remember this device for 30 days")
    check_page(chrome, "code-remember")
    chrome.click("#remember")
    chrome.type("#code", phone.code(), submit=True)
    chrome.wait_for_path("/home")
    chrome.click(".welcome a[href='/logout']")
    chrome.wait_for_path("/")

    # The password alone, now.
    sign_in(chrome, stack)
    chrome.wait_for_path("/home")
    device = chrome.find(".devices li")
    assert "(this browser)" in device.text and "Chrome on Linux" in device.text
    check_page(chrome, "home-devices", schemes=("light", "dark"))
    chrome.click(".devices form button")
    chrome.wait_for_path("/home")
    assert "That device was forgotten" in chrome.find(".notice").text
    assert chrome.find_all(".devices li") == []
    assert chrome.console_problems() == []


def test_changing_the_password(stack, chrome):
    stack.add_user("alice", password=PASSWORD, secret=SECRET)
    sign_in(chrome, stack)
    chrome.wait_for_path("/login/code")
    chrome.type("#code", Phone(SECRET).code(), submit=True)
    chrome.wait_for_path("/home")
    chrome.click("a[href='/password']")
    chrome.wait_for_path("/password")
    assert chrome.find("#new_password").get_attribute("autocomplete") == "new-password"
    check_page(chrome, "password")
    chrome.type("#password", PASSWORD)
    chrome.type("#new_password", "football", submit=True)
    chrome.wait_for_path("/password")
    assert "most common" in chrome.find("[role=alert]").text
    check_page(chrome, "password-error")
    chrome.type("#password", PASSWORD)
    chrome.type("#new_password", "a new and longer passphrase", submit=True)
    chrome.wait_for_path("/home")
    assert "Your password was changed" in chrome.find(".notice").text
    assert chrome.console_problems() == []


def test_step_up_and_the_not_allowed_page(make_stack, chrome):
    stack = make_stack(serve_args=["--access", "*/private/ any fresh=1s", "--access", "*/blocked/ deny"])
    stack.add_user("alice", password=PASSWORD, secret=SECRET)
    phone = Phone(SECRET)
    sign_in(chrome, stack)
    chrome.wait_for_path("/login/code")
    chrome.type("#code", phone.code(), submit=True)
    chrome.wait_for_path("/home")
    time.sleep(1.5)  # the rule wants a code entered within the last second

    # What nginx's auth_request does on the 401: the login page, which hands a signed-in user to /verify.
    chrome.open(stack.url + "/?rd=%2Fprivate%2Freport")
    chrome.wait_for_path("/verify")
    chrome.wait_for_heading("Confirm it is you")
    check_page(chrome, "verify")
    chrome.type("#code", phone.code(), submit=True)
    chrome.wait_for_path("/private/report")
    assert chrome.console_problems(("status of 404",)) == []  # dev.conf guards nothing: totpgate has no such page

    # What nginx shows on a 403: who is signed in, and a way to switch.
    chrome.open(stack.url + "/denied")
    chrome.wait_for_heading("Not allowed")
    assert "alice" in chrome.find(".lead").text
    check_page(chrome, "denied", expected_console=("status of 403",), schemes=("light", "dark"))
    chrome.click("form[action='/logout'] button")
    chrome.wait_for_path("/")
    chrome.wait_for_heading("Sign in")
