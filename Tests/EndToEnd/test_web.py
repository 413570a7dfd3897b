"""Issue 4: the FastCGI responder and the web layer through a real nginx."""
import http.client
import re
import threading

import requests

SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def test_login_page_has_the_form_and_security_headers(stack):
    response = stack.get("/")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    for name in ("username", "password", "csrf", "rd"):
        assert f'name="{name}"' in response.text
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    token = re.search(r'name="csrf" value="([^"]+)"', response.text).group(1)
    assert len(token) >= 22


def test_static_css_is_served_by_nginx(stack):
    response = stack.get("/static/totpgate.css")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/css"
    assert "Content-Security-Policy" not in response.headers  # nginx, not the responder, answered
    assert ":root" in response.text


def test_unknown_path_is_a_404_page(stack):
    response = stack.get("/no/such/page")
    assert response.status_code == 404
    assert "<html" in response.text
    assert response.headers["X-Frame-Options"] == "DENY"


def test_wrong_method_is_405(stack):
    response = stack.post("/", data={"a": "1"})
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_head_is_answered_without_a_body(stack):
    response = requests.head(stack.url + "/", timeout=10)
    assert response.status_code == 200
    assert response.content == b""


def test_a_20_kib_post_is_refused_with_413(stack):
    response = stack.post("/login", data={"username": "x" * 20 * 1024})
    assert response.status_code == 413
    assert "<html" in response.text
    assert stack.get("/").status_code == 200  # the responder is still fine


def test_a_bad_cookie_is_treated_as_absent(stack):
    for junk in ("garbage", "a.b.c", "x" * 3000, "\u00e9t\u00e9"):
        response = stack.get("/", headers={"Cookie": f"totpgate={junk}".encode("utf-8")})
        assert response.status_code == 200
        assert response.headers["Set-Cookie"].startswith("totpgate=")


def test_a_malformed_query_is_400(stack):
    # http.client sends the target as written; requests would re-quote the '%'.
    connection = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=10)
    connection.request("GET", "/?rd=%")
    assert connection.getresponse().status == 400


def test_mounted_under_a_prefix(make_stack):
    stack = make_stack(base_path="/2fa")
    page = stack.get("/")
    assert page.status_code == 200
    assert 'action="/2fa/login"' in page.text
    assert 'href="/2fa/static/totpgate.css"' in page.text
    assert stack.get("/static/totpgate.css").status_code == 200
    assert stack.get("/nope").status_code == 404


def test_fd0_mode_under_spawn_fcgi(make_stack):
    stack = make_stack(spawn_fcgi=True)
    assert stack.get("/").status_code == 200
    assert stack.terminate_responder() == 0


def test_sigterm_during_load_exits_0_and_cuts_no_request_short(stack):
    results = {"complete": 0, "refused": 0, "other": []}
    lock = threading.Lock()
    stop = threading.Event()

    def load():
        session = requests.Session()
        while not stop.is_set():
            try:
                response = session.get(stack.url + "/", timeout=10)
                body_complete = response.text.rstrip().endswith("</html>")
                with lock:
                    if response.status_code == 200 and body_complete:
                        results["complete"] += 1
                    elif response.status_code == 502:  # nginx: nobody listening any more
                        results["refused"] += 1
                    else:
                        results["other"].append(response.status_code)
            except requests.RequestException as error:
                with lock:
                    results["other"].append(repr(error))

    threads = [threading.Thread(target=load) for _ in range(8)]
    for thread in threads:
        thread.start()
    while results["complete"] < 200:
        pass
    status = stack.terminate_responder()
    stop.set()
    for thread in threads:
        thread.join(timeout=10)
    assert status == 0, stack.output()
    assert results["other"] == []
    assert results["complete"] >= 200
    assert not stack.socket.exists()
    assert "stopped" in stack.output()
