"""Issue 11: `--password-stdin` at a terminal, as an admin types it: a real
pseudo-terminal, the prompts on it, the password never echoed, asked twice."""
import os
import pty
import select
import subprocess
import time

from conftest import BINARY, DEADLINE


def read_until(master, text, seen):
    """Reads the terminal's output into `seen` until it ends with `text`."""
    deadline = time.monotonic() + DEADLINE
    while not seen.decode(errors="replace").endswith(text):
        assert time.monotonic() < deadline, f"no {text!r} on the terminal; saw {seen!r}"
        ready, _, _ = select.select([master], [], [], 1)
        if ready:
            seen.extend(os.read(master, 1024))
    return seen


def at_a_terminal(arguments, typed):
    """Runs totpgate with a terminal on stdin and stderr, typing each of `typed`
    after the prompt it answers; returns the exit status, stdout and what the terminal showed."""
    master, slave = pty.openpty()
    process = subprocess.Popen([str(BINARY), *arguments], stdin=slave, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    seen = bytearray()
    try:
        for prompt, line in typed:
            read_until(master, prompt, seen)
            os.write(master, line.encode() + b"\n")
        stdout, _ = process.communicate(timeout=DEADLINE)
        while select.select([master], [], [], 0.2)[0]:
            try:
                seen.extend(os.read(master, 1024))
            except OSError:  # the terminal closed with the process
                break
        return process.returncode, stdout.decode(), seen.decode(errors="replace")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)


def test_a_password_typed_at_a_terminal_is_asked_twice_and_never_shown(make_stack):
    stack = make_stack()
    status, stdout, terminal = at_a_terminal(
        ["user", "add", "alice", "--password-stdin", "--data-dir", str(stack.data)],
        [("New password: ", "correct horse battery"), ("The same password again: ", "correct horse battery")])
    assert status == 0, terminal
    assert stdout.startswith("user alice added\n") and "password:" not in stdout
    assert "correct horse" not in terminal
    assert stack.browser().login("alice", password="correct horse battery").headers["Location"] == "/enroll"

    status, stdout, terminal = at_a_terminal(
        ["user", "passwd", "alice", "--password-stdin", "--data-dir", str(stack.data)],
        [("New password: ", "battery staple horse"), ("The same password again: ", "battery staple horse")])
    assert status == 0 and "password of alice changed" in stdout and "staple" not in terminal
    assert stack.browser().login("alice", password="battery staple horse").headers["Location"] == "/enroll"


def test_two_different_passwords_change_nothing(tmp_path):
    data = tmp_path / "data"
    status, stdout, terminal = at_a_terminal(
        ["user", "add", "alice", "--password-stdin", "--data-dir", str(data)],
        [("New password: ", "correct horse battery"), ("The same password again: ", "correct horse batterz")])
    assert status != 0 and stdout == ""
    assert "totpgate: the two passwords typed differ; nothing was changed" in terminal
    assert not data.exists()
