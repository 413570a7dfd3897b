"""Issue 11, item 1: scripts/install-deps asks apt-get for every package of
every group it is given, on a machine where nothing is installed (fake
`dpkg-query`, `apt-get`, `id` and `python3` on PATH; nothing really installed)."""
import subprocess

import pytest

from conftest import DEADLINE
from deployments import INSTALL_DEPS, declared_groups



@pytest.fixture
def bare_machine(tmp_path):
    """A PATH on which no Debian package is installed, the user is root, and
    apt-get only records its arguments, one call per line."""
    bin = tmp_path / "bin"
    bin.mkdir()
    log = tmp_path / "apt-get.log"
    fakes = {
        "dpkg-query": "echo \"dpkg-query: no packages found matching $*\" >&2; exit 1",
        "apt-get": f'echo "$*" >> {log}',
        "id": "echo 0",
        "python3": "exit 1",  # no venv module either
    }
    for name, body in fakes.items():
        (bin / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin / name).chmod(0o755)

    def install(*groups):
        log.unlink(missing_ok=True)
        result = subprocess.run([str(INSTALL_DEPS), *groups], env={"PATH": f"{bin}:/usr/bin:/bin"},
                                capture_output=True, text=True, timeout=DEADLINE)
        assert result.returncode == 0, result.stderr
        calls = log.read_text().splitlines()
        assert calls[0] == "update -qq"
        assert len(calls) == 2 and calls[1].startswith("install -y --no-install-recommends "), calls
        return calls[1].split()[3:]

    return install


def test_every_package_of_every_group_is_requested(bare_machine):
    groups = declared_groups()
    requested = bare_machine("build", "run", "test", "bench")
    wanted = [package for name in ("build", "run", "test", "bench") for package in groups[name]]
    assert sorted(set(requested) - {"python3-venv", "-qq"}) == sorted(set(wanted))
    assert "python3-venv" in requested


@pytest.mark.parametrize("group", ["build", "run", "test", "bench"])
def test_each_group_requests_its_own_packages(bare_machine, group):
    requested = set(bare_machine(group)) - {"python3-venv", "-qq"}
    assert requested == set(declared_groups()[group])


def test_the_default_group_is_build(bare_machine):
    assert set(bare_machine()) - {"-qq"} == set(declared_groups()["build"])
