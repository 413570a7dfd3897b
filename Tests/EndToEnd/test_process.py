"""Issue 12 (process model, deadlines) and issue 11 item 4 (SIGHUP reloads):
a master supervising worker processes, behind a real nginx, under wrk load."""
import json
import os
import re
import signal
import socket
import struct
import subprocess
import time
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import DEADLINE, ROOT, totp, wait_for

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class Wrk:
    """wrk in the background against one URL, every response checked by
    bench/wrk/check.lua (status 200 and `marker` in the body)."""

    def __init__(self, url, seconds, connections=16, marker='name="csrf"'):
        environment = dict(os.environ, BENCH_WRK_DIR=str(ROOT / "bench" / "wrk"), BENCH_STATUS="200", BENCH_BODY=marker)
        self.process = subprocess.Popen(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
             "-s", str(ROOT / "bench" / "wrk" / "check.lua"), url],
            env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def result(self):
        """wrk's `result {json}` line once it has finished: requests, wrong answers, socket errors."""
        output, _ = self.process.communicate(timeout=120)
        line = next((line for line in output.splitlines() if line.startswith("result ")), None)
        assert line, output
        return json.loads(line[len("result "):])

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def wrk():
    started = []

    def start(*args, **kwargs):
        load = Wrk(*args, **kwargs)
        started.append(load)
        return load

    yield start
    for load in started:
        load.stop()


def record(kind, content=b"", request_id=1):
    """One FastCGI record (FastCGI 1.0, section 3.3)."""
    return struct.pack(">BBHHBB", 1, kind, request_id, len(content), 0, 0) + content


def unix_connection(path):
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.settimeout(DEADLINE)
    connection.connect(str(path))
    return connection


def closed_unanswered(connection):
    """Whether the peer closed `connection` without sending anything (a reset
    is a close: it dropped what it had not read)."""
    try:
        return connection.recv(65536) == b""
    except ConnectionResetError:
        return True


def worker_restarts(stack):
    """totpgate_worker_restarts_total as /metrics reports it (the master's count, in memory every worker shares)."""
    families = text_string_to_metric_families(stack.get("/metrics").text)
    return next(sample.value for family in families for sample in family.samples
                if sample.name == "totpgate_worker_restarts_total")


def exited(pid):
    """Whether process `pid` has exited: gone, or a zombie its parent has not reaped yet."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def wait_for_workers(stack, count, other_than=()):
    """Waits until `count` workers run, none of them in `other_than`; returns their pids."""
    wait_for(lambda: len(stack.worker_pids()) == count and not set(stack.worker_pids()) & set(other_than),
             f"{count} workers besides {other_than}: {stack.worker_pids()}")
    return stack.worker_pids()


def test_a_worker_killed_under_load_is_replaced_and_no_state_is_lost(make_stack, wrk):
    stack = make_stack(serve_args=["--workers", "2"])
    workers = wait_for_workers(stack, 2)
    stack.add_user("alice", secret=SECRET)
    stack.add_user("bob")
    # State written before the kill: a code accepted (replay), failures counted (lockout).
    code = totp(SECRET)
    assert stack.browser().login("alice", code=code).headers["Location"].endswith("/home")
    for _ in range(3):
        assert stack.browser().login("bob", password="wrong password").headers["Location"].endswith("/")

    load = wrk(stack.url + "/", seconds=4)
    time.sleep(1)  # the load is running
    os.kill(workers[0], signal.SIGKILL)
    # kill() returns before the worker is gone: until then it may still accept
    # a connection, which dies with it (as requests in flight on it do). Once it
    # has exited (a zombie has closed its sockets), the other worker answers.
    wait_for(lambda: exited(workers[0]), f"worker {workers[0]} to exit")
    assert stack.get("/").status_code == 200  # the other worker answers meanwhile
    stack.wait_for_output(f"worker {workers[0]} was killed by signal 9 (SIGKILL); starting a replacement")
    replaced = wait_for_workers(stack, 2, other_than=[workers[0]])
    assert workers[1] in replaced
    assert worker_restarts(stack) == 1
    result = load.result()
    # Only requests in flight on the killed worker can fail: at most one per connection.
    assert result["requests"] > 100 and result["wrong"] + result["socket_errors"] <= 16, result

    assert stack.browser().login("alice", code=code).headers["Location"].endswith("/")  # the replay is still refused
    listing = stack.totpgate("user", "list").stdout
    assert re.search(r"^alice\s+enrolled\s+active\s+1\s", listing, re.M), listing  # the replay counted as a failure
    assert re.search(r"^bob\s+none\s+active\s+3\s", listing, re.M), listing


def test_a_parameter_length_of_2_31_minus_2_leaves_the_service_answering(stack):
    workers = wait_for_workers(stack, 2)
    pair = bytes([1]) + struct.pack(">I", 0x80000000 | (2**31 - 2)) + b"A"
    attack = unix_connection(stack.socket)
    attack.sendall(record(1, struct.pack(">HB5x", 1, 0)) + record(4, pair) + record(4) + record(5))
    assert closed_unanswered(attack)
    assert stack.get("/").status_code == 200
    assert stack.worker_pids() == workers  # no worker died
    assert "killed" not in stack.output()


def test_64_silent_connections_do_not_hold_up_the_login_page(make_stack):
    stack = make_stack(serve_args=["--request-timeout", "60"])
    silent = [unix_connection(stack.socket) for _ in range(64)]
    for connection in silent[::2]:
        connection.sendall(record(1, struct.pack(">HB5x", 1, 0)))  # half begin a request, then stop
    response = stack.get("/", timeout=DEADLINE)  # far sooner than the 60 s the silent ones may take
    assert response.status_code == 200 and 'name="csrf"' in response.text
    for connection in silent:
        connection.close()


def test_a_connection_silent_past_the_request_timeout_is_closed(make_stack):
    stack = make_stack(serve_args=["--request-timeout", "1"])
    connection = unix_connection(stack.socket)
    connection.sendall(record(1, struct.pack(">HB5x", 1, 0)))
    assert closed_unanswered(connection)


def test_sighup_under_load_reloads_the_configuration_and_loses_no_request(make_stack, wrk, tmp_path):
    config = tmp_path / "totpgate.conf"
    config.write_text("app-name = Before Reload\n")
    stack = make_stack(serve_args=["--config", str(config), "--workers", "2"])
    old = wait_for_workers(stack, 2)
    assert "Before Reload" in stack.get("/").text

    load = wrk(stack.url + "/", seconds=5)
    time.sleep(1.5)
    config.write_text("app-name = After Reload\nthreads = 4\n")
    stack.responder.send_signal(signal.SIGHUP)
    stack.wait_for_output(f"reloaded the configuration ({config}), cookie keys and templates: 2 new workers serving, 2 old ones")
    wait_for_workers(stack, 2, other_than=old)  # the old generation has finished its requests and exited
    assert "After Reload" in stack.get("/").text
    result = load.result()
    assert result["requests"] > 100 and result["wrong"] == 0 and result["socket_errors"] == 0, result
    assert stack.responder.poll() is None
    assert worker_restarts(stack) == 0  # a reload replaces workers, it does not restart them


def test_sighup_reads_the_cookie_keys_again(make_stack):
    stack = make_stack(serve_args=["--workers", "2"])
    old = wait_for_workers(stack, 2)
    stack.add_user("alice", secret=SECRET)
    browser = stack.browser()
    assert browser.login("alice", code=totp(SECRET)).headers["Location"].endswith("/home")
    assert browser.get("/home").status_code == 200
    for _ in range(3):  # README: three rotations end every session
        assert stack.totpgate("keygen").returncode == 0
    assert browser.get("/home").status_code == 200  # the running workers still hold the old keys
    stack.responder.send_signal(signal.SIGHUP)
    stack.wait_for_output("reloaded cookie keys and templates")
    wait_for_workers(stack, 2, other_than=old)
    assert browser.get("/home").headers["Location"].endswith("/")  # signed with a key no worker has now


def test_a_broken_config_on_sighup_is_refused_and_the_running_workers_stay(make_stack, tmp_path):
    config = tmp_path / "totpgate.conf"
    config.write_text("app-name = Steady\n")
    stack = make_stack(serve_args=["--config", str(config)])
    workers = wait_for_workers(stack, 2)
    config.write_text("app-name = Steady\nthreads = 0\n")
    stack.responder.send_signal(signal.SIGHUP)
    stack.wait_for_output(f"reload refused: {config}:2: threads = 0: must be a whole number from 1 to 256; "
                          "still serving with the previous configuration")
    assert stack.worker_pids() == workers
    assert "Steady" in stack.get("/").text
    # A new generation that cannot start is refused the same way.
    config.write_text(f"app-name = Steady\nwww = {tmp_path / 'no-such-dir'}\n")
    stack.responder.send_signal(signal.SIGHUP)
    wait_for(lambda: stack.output().count("reload refused") == 2, "a second refusal")
    assert "no-such-dir" in stack.output().splitlines()[-1]
    wait_for(lambda: stack.worker_pids() == workers, "only the old workers")
    assert stack.get("/").status_code == 200


def test_sigterm_stops_the_master_and_every_worker_and_removes_the_socket(stack):
    workers = wait_for_workers(stack, 2)
    assert stack.terminate_responder() == 0
    assert not stack.socket.exists()
    for pid in workers:
        assert not os.path.exists(f"/proc/{pid}"), f"worker {pid} outlived the master"


def test_workers_exit_when_the_master_is_killed(stack):
    workers = wait_for_workers(stack, 2)
    stack.responder.kill()
    stack.responder.wait(timeout=DEADLINE)
    for pid in workers:
        wait_for(lambda: not os.path.exists(f"/proc/{pid}") or "Z" in open(f"/proc/{pid}/stat").read().split()[2],
                 f"worker {pid} to exit after its master")


KEPT_CONNECTIONS = {
    "    server {\n        listen": "    upstream totpgate {\n        server unix:@SOCKET@;\n        keepalive 8;\n    }\n\n"
                                    "    server {\n        listen",
    "fastcgi_pass unix:@SOCKET@;": "fastcgi_pass totpgate;\n            fastcgi_keep_conn on;",
}


def test_kept_fastcgi_connections_serve_request_after_request(make_stack, wrk):
    """nginx `fastcgi_keep_conn on`: libfcgi alone served a kept connection
    on one thread until nginx closed it, stalling everything else."""
    stack = make_stack(serve_args=["--request-timeout", "2", "--threads", "2"], nginx_edits=KEPT_CONNECTIONS)
    result = wrk(stack.url + "/", seconds=3).result()
    assert result["requests"] > 100 and result["wrong"] == 0 and result["socket_errors"] == 0, result
    time.sleep(3)  # longer than request-timeout: totpgate closes the idle kept connections
    result = wrk(stack.url + "/", seconds=2).result()
    assert result["requests"] > 100 and result["wrong"] == 0 and result["socket_errors"] == 0, result
