"""A systemd unit's system call filter, applied with libseccomp the way
systemd 252 applies it, then a command run under it:

    /usr/bin/python3 syscall_filter.py UNIT-FILE COMMAND [ARGUMENT…]

Debian's python3-seccomp belongs to the system's Python, hence /usr/bin/python3
rather than the tests' venv. The groups (@system-service, …) are expanded by
`systemd-analyze syscall-filter`, so they are the installed systemd's own.

systemd's rules (src/core/load-fragment.c, config_parse_syscall_filter):
the first SystemCallFilter= line decides the kind of list. Without `~` it is
an allow-list, which starts from @default (the calls systemd always permits:
execve, exit, clock_gettime, …); later lines without `~` add to it and lines
with `~` take away from it. With `~` first it is a deny-list, the other way
round. An empty assignment starts over. A call outside an allow-list (or in a
deny-list) kills the process, unless SystemCallErrorNumber= names an errno."""
import errno
import os
import subprocess
import sys


def unit_settings(unit_text, key):
    """The values of every `key=` line of the unit's [Service] section, in order."""
    values, section = [], None
    for line in unit_text.splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line
        elif section == "[Service]" and line.partition("=")[0].strip() == key:
            values.append(line.partition("=")[2].strip())
    return values


def group_members(group, expand):
    """The system calls of `group`, nested groups expanded."""
    members = set()
    for name in expand(group):
        members |= group_members(name, expand) if name.startswith("@") else {name}
    return members


def systemd_group(group):
    """The direct members of a group, as the installed systemd lists them."""
    listing = subprocess.run(["systemd-analyze", "syscall-filter", group], capture_output=True, text=True, check=True)
    return [line.strip() for line in listing.stdout.splitlines()[1:] if line.strip() and not line.strip().startswith("#")]


def effective_filter(assignments, expand=systemd_group):
    """(allow_list, calls): whether `calls` are the only ones allowed or the
    ones denied, after every SystemCallFilter= assignment in order."""
    calls, allow_list = None, False
    for value in assignments:
        if not value:
            calls, allow_list = None, False
            continue
        invert = value.startswith("~")
        if calls is None:
            allow_list = not invert
            calls = group_members("@default", expand) if allow_list else set()
        for word in value.lstrip("~").split():
            name, _, error = word.partition(":")
            if error:
                raise ValueError(f"SystemCallFilter {word}: an errno per call is not modelled here")
            named = group_members(name, expand) if name.startswith("@") else {name}
            if invert != allow_list:
                calls |= named
            else:
                calls -= named
    return allow_list, calls or set()


def apply(unit_text):
    """Loads the unit's filter into this process (and so into what it execs)."""
    import seccomp  # Debian's python3-seccomp, in the system's Python only
    allow_list, calls = effective_filter(unit_settings(unit_text, "SystemCallFilter"))
    error_numbers = unit_settings(unit_text, "SystemCallErrorNumber")
    refused = seccomp.ERRNO(getattr(errno, error_numbers[-1])) if error_numbers and error_numbers[-1] != "kill" \
        else seccomp.KILL_PROCESS
    rules = seccomp.SyscallFilter(refused if allow_list else seccomp.ALLOW)
    for call in sorted(calls):
        try:
            rules.add_rule(seccomp.ALLOW if allow_list else refused, call)
        except RuntimeError:
            pass  # a call this architecture lacks (systemd skips those too)
    rules.load()


if __name__ == "__main__":
    with open(sys.argv[1]) as unit:
        apply(unit.read())
    os.execv(sys.argv[2], sys.argv[2:])
