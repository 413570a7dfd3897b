"""Issue 15 (operations): /healthz, /metrics and the JSON log format,
through a real nginx in front of `totpgate serve` with two workers."""
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
from contextlib import contextmanager

import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import ROOT, totp, wait_for
from test_hosts import SANDBOX, database  # noqa: F401 (the fixture: a database of the test's own in the sandbox)

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def samples(page):
    """Every sample of a /metrics page, as Prometheus's own Python parser reads it:
    {(name, (label, value)…): value}."""
    return {(sample.name, *sorted(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(page) for sample in family.samples}


def health(stack):
    return stack.get("/healthz")


def test_healthz_answers_ok_without_a_cookie_then_503_while_the_sqlite_file_is_moved_away(stack):
    log = stack.output()
    answer = health(stack)
    assert (answer.status_code, answer.text) == (200, "ok\n")
    assert answer.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in answer.headers
    database = stack.data / "totpgate.db"
    database.rename(stack.data / "totpgate.db.moved")
    try:
        # Every worker checks its own connection: each answer, whichever worker gives it, is a 503.
        for _ in range(6):
            assert health(stack).status_code == 503
        assert samples(stack.get("/metrics").text)[("totpgate_store_up",)] == 0
    finally:
        (stack.data / "totpgate.db.moved").rename(database)
    for _ in range(6):
        assert health(stack).status_code == 200
    assert samples(stack.get("/metrics").text)[("totpgate_store_up",)] == 1
    assert stack.output() == log  # probes, failed or not, are not logged


def test_healthz_follows_a_postgresql_store_down_and_up(make_stack, database):  # noqa: F811
    sandbox = os.environ.get("TOTPGATE_POSTGRES_SANDBOX")
    assert sandbox, "TOTPGATE_POSTGRES_SANDBOX names the sandbox to stop and start (scripts/postgres-sandbox sets it)"
    stack = make_stack(serve_args=["--store", database])
    assert health(stack).status_code == 200
    subprocess.run([str(SANDBOX), "down", sandbox], check=True, timeout=60)
    try:
        for _ in range(4):
            assert health(stack).status_code == 503
    finally:
        subprocess.run([str(SANDBOX), "up", sandbox], check=True, timeout=60)
    # The store reconnects by itself, trying again a second after a refused attempt.
    wait_for(lambda: health(stack).status_code == 200, "/healthz to answer 200 again", timeout=10)


@contextmanager
def only(stack, worker):
    """Every other worker stopped (SIGSTOP) meanwhile, so `worker` answers every request."""
    others = [pid for pid in stack.worker_pids() if pid != worker]
    for pid in others:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in others:
            os.kill(pid, signal.SIGCONT)


def test_metrics_count_each_outcome_exactly_across_two_workers(make_stack):
    stack = make_stack(serve_args=["--workers", "2", "--throttle-delay", "3600"])
    stack.add_user("alice", secret=SECRET)
    stack.add_user("carol", secret=SECRET)
    first, second = stack.worker_pids()
    with only(stack, first):
        assert stack.browser().login("alice", code=totp(SECRET, at=int(time.time()) - 30)).headers["Location"] == "/home"
        assert stack.browser().login("alice", code=totp(SECRET)).headers["Location"] == "/home"
        for attempt in range(3):
            assert stack.browser().login("alice", password=f"wrong {attempt}").headers["Location"] == "/"
        for _ in range(3):
            assert stack.get("/auth").status_code == 401
    with only(stack, second):
        latest = totp(SECRET, at=int(time.time()) + 30)
        browser = stack.browser()
        assert browser.login("alice", code=latest).headers["Location"] == "/home"
        for _ in range(2):
            assert browser.get("/auth").status_code == 200
        assert stack.browser().login("alice", code=latest).headers["Location"] == "/"  # the same step again
        for attempt in range(5):
            assert stack.browser().login("carol", password=f"wrong {attempt}").headers["Location"] == "/"
        for _ in range(2):
            throttled = stack.browser()
            assert throttled.login("carol", code=totp(SECRET)).headers["Location"] == "/"
            assert "Too many attempts" in throttled.get("/").text
    expected = {
        ("totpgate_logins_total", ("result", "success")): 3,
        ("totpgate_logins_total", ("result", "failure")): 9,
        ("totpgate_logins_total", ("result", "throttled")): 2,
        ("totpgate_logins_total", ("result", "locked")): 0,
        ("totpgate_logins_total", ("result", "busy")): 0,
        ("totpgate_replays_refused_total",): 1,
        ("totpgate_auth_requests_total", ("result", "allow")): 2,
        ("totpgate_auth_requests_total", ("result", "anonymous")): 3,
        ("totpgate_auth_requests_total", ("result", "deny")): 0,
        ("totpgate_auth_requests_total", ("result", "step_up")): 0,
        ("totpgate_worker_restarts_total",): 0,
        ("totpgate_workers_alive",): 2,
        ("totpgate_request_duration_seconds_count", ("route", "/auth")): 5,
        ("totpgate_request_duration_seconds_count", ("route", "/login")): 14,
    }
    for worker in (first, second):
        with only(stack, worker):
            page = stack.get("/metrics")
        assert page.status_code == 200
        assert page.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        found = samples(page.text)
        assert {key: found.get(key) for key in expected} == expected, f"answered by worker {worker}"
        assert found[("totpgate_resident_memory_bytes",)] > 3 * 1_000_000  # the master and two workers
        assert found[("totpgate_open_fds",)] > 3 * 3
        assert found[("totpgate_uptime_seconds",)] >= 0
        assert found[("totpgate_login_queue_length",)] == 0
        assert found[("totpgate_login_queue_wait_seconds_count",)] == 12  # each POST /login hashed once, but the 2 throttled


def test_metrics_are_not_found_from_another_address(stack):
    assert stack.get("/metrics").status_code == 200
    refused = stack.browser(source="127.0.0.2").get("/metrics")
    assert refused.status_code == 404
    assert "totpgate_" not in refused.text


def test_metrics_allow_names_the_scrapers(make_stack):
    stack = make_stack(serve_args=["--metrics-allow", "127.0.0.2"])
    assert stack.browser(source="127.0.0.2").get("/metrics").status_code == 200
    assert stack.get("/metrics").status_code == 404


def json_lines(stack):
    """Every line the responder wrote, each parsed as one JSON object."""
    return [json.loads(line) for line in stack.output().splitlines() if line.strip()]


def test_json_logs_parse_line_by_line_and_carry_the_fields(make_stack):
    stack = make_stack(serve_args=["--log-format", "json", "--workers", "2"])
    stack.add_user("alice", secret=SECRET)
    assert stack.browser(source="127.0.0.5").login("alice", password="not it").headers["Location"] == "/"
    assert stack.browser().login("alice", code=totp(SECRET)).headers["Location"] == "/home"
    wait_for(lambda: any(line.get("event") == "login-succeeded" for line in json_lines(stack)), "the success in the log")
    lines = json_lines(stack)
    for line in lines:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", line["time"]), line
        assert line["level"] in ("trace", "debug", "info", "notice", "warning", "error", "critical"), line
        assert line["event"], line
    failed = next(line for line in lines if line["event"] == "login-failed")
    assert {key: failed[key] for key in ("level", "user", "reason", "address", "result")} == {
        "level": "notice", "user": "alice", "reason": "password", "address": "127.0.0.5", "result": "failure"}
    succeeded = next(line for line in lines if line["event"] == "login-succeeded")
    assert {key: succeeded[key] for key in ("user", "factor", "address", "result")} == {
        "user": "alice", "factor": "totp", "address": "127.0.0.1", "result": "success"}
    assert any("serving on" in line["message"] for line in lines)


def readme_filters():
    """The fail2ban filters of the README (the text one, then the JSON one), as written there."""
    readme = (ROOT / "README.md").read_text()
    filters = re.findall(r"```ini\n(\[Definition\]\nfailregex = .*?)```", readme, re.S)
    assert len(filters) == 2, filters
    return filters


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_the_readme_fail2ban_filter_finds_each_refusal_in_a_real_log(make_stack, tmp_path, log_format):
    stack = make_stack(serve_args=["--log-format", log_format, "--throttle-delay", "3600"])
    stack.add_user("alice", secret=SECRET)
    attacker = "127.0.0.9"
    for attempt in range(5):
        assert stack.browser(source=attacker).login("alice", password=f"guess {attempt}").headers["Location"] == "/"
    assert stack.browser(source=attacker).login("nobody", password="guess").headers["Location"] == "/"
    throttled = stack.browser(source=attacker)
    assert throttled.login("alice", code=totp(SECRET)).headers["Location"] == "/"  # throttled
    assert stack.browser().login("alice", code=totp(SECRET)).headers["Location"] == "/home"  # another address: in
    stack.wait_for_output("login-succeeded")
    log = tmp_path / f"totpgate-{log_format}.log"
    log.write_text(stack.output())
    text_filter, json_filter = readme_filters()
    definition = tmp_path / "totpgate.conf"
    definition.write_text(text_filter if log_format == "text" else json_filter)
    result = subprocess.run(["fail2ban-regex", "-v", str(log), str(definition)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^Failregex: 7 total$", result.stdout, re.M), result.stdout
    # Each hit names the attacker, never the address that logged in.
    hosts = re.findall(r"^\|\s+(\d+\.\d+\.\d+\.\d+)\s", result.stdout, re.M)
    assert hosts == [attacker] * 7, result.stdout


PROMETHEUS = ROOT / "deploy" / "prometheus"


def test_the_prometheus_examples_pass_promtool():
    for command in (["check", "config", "prometheus.yml"], ["check", "rules", "totpgate-alerts.yml"],
                    ["test", "rules", "totpgate-alerts.test.yml"]):
        result = subprocess.run(["promtool", *command], cwd=PROMETHEUS, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr


def test_the_alert_rules_use_the_metrics_totpgate_serves(stack):
    """Every totpgate_ name in the rules is one /metrics has (a renamed metric would silence its alert)."""
    served = {family.name for family in text_string_to_metric_families(stack.get("/metrics").text)}
    served |= {name + suffix for name in served for suffix in ("_total", "_bucket", "_count", "_sum")}
    used = set(re.findall(r"\btotpgate_[a-z_]+", (PROMETHEUS / "totpgate-alerts.yml").read_text()))
    assert used and used <= served, used - served


class FreezingProxy:
    """TCP on a loopback port to the sandbox server's unix socket, relaying
    both ways until frozen: then the bytes stop, but no connection closes,
    as when the database server is cut off the network."""

    def __init__(self, unix_socket):
        self.unix_socket = unix_socket
        self.relaying = threading.Event()
        self.relaying.set()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.closed = False
        self.connections = []
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.socket(socket.AF_UNIX)
            server.connect(self.unix_socket)
            self.connections += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self.relay, args=(source, target), daemon=True).start()

    def relay(self, source, target):
        try:
            while chunk := source.recv(65536):
                self.relaying.wait()
                target.sendall(chunk)
        except OSError:
            pass

    def close(self):
        self.closed = True
        self.relaying.set()
        for connection in [self.listener, *self.connections]:
            connection.close()


def test_healthz_answers_503_within_its_limit_when_postgresql_is_cut_off_the_network(make_stack, database):  # noqa: F811
    parts = urllib.parse.urlsplit(database)
    socket_directory = urllib.parse.parse_qs(parts.query)["host"][0]
    proxy = FreezingProxy(f"{socket_directory}/.s.PGSQL.5432")
    try:
        over_tcp = urllib.parse.urlunsplit(parts._replace(netloc=f"{parts.netloc}127.0.0.1:{proxy.port}", query=""))
        stack = make_stack(serve_args=["--store", over_tcp, "--workers", "1"])
        assert health(stack).status_code == 200
        proxy.relaying.clear()
        # Without its limit the probe would wait for TCP to give up (minutes): the client's 10 s would run out first.
        assert health(stack).status_code == 503
        proxy.relaying.set()
        wait_for(lambda: health(stack).status_code == 200, "/healthz to answer 200 over a new connection")
    finally:
        proxy.close()
