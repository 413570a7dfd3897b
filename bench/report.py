"""Prints the table of `make bench` from what bench/web.py and bench/micro
saved in one output directory (results.json, micro.txt).

    python3 bench/report.py bench/out/<run>

Medians over the repeats; ratios are totpgate's request rate over the other
backend's, from the same run; each target of issue 8 is marked `ok` or `NO`.
"""
import json
import platform
import statistics
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

MIB = 1024

# Issue 8's targets: route -> (minimum totpgate ÷ C floor, minimum totpgate ÷ Flask)
RATIO_TARGETS = {
    "login_page": (0.90, 5), "home": (0.90, 5), "auth": (0.90, 5), "auth_anonymous": (0.90, 5), "qr": (1.0, 15),
}
TITLES = {
    "login_page": "GET /", "home": "GET /home", "auth": "GET /auth (logged in)",
    "auth_anonymous": "GET /auth (anonymous)", "qr": "GET /qr (enrolment)", "login": "POST /login (logins)",
    "mixed_auth": "GET /auth during logins", "mixed_login": "POST /login beside it",
    "apache_open": "Apache: the file alone", "authorizer": "Apache: authorizer, logged in",
    "authorizer_anonymous": "Apache: authorizer, anonymous",
}
RSS_TARGET_MIB = 16
TUTORIAL_WORKER_MIB = 35
AUTH_P99_TARGET_MS = 5
TOTP_VERIFY_TARGET_NS = 1500
TOTP_VERIFY_TARGET_RATIO = 10


def verdict(ok):
    return "ok" if ok else "NO"


def command_line(command):
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=10)
        return (result.stdout + result.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "?"


def machine():
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.machine())
    return f"{command_line(['nproc'])} cores ({model}), Linux {platform.release()}"


class Summary:
    """Medians per (route, backend) over the repeats, and the wrong-response total."""

    def __init__(self, results):
        self.runs = {}
        for result in results:
            self.runs.setdefault((result["route"], result["backend"]), []).append(result)

    def get(self, route, backend):
        runs = self.runs.get((route, backend))
        if not runs:
            return None
        median = lambda key: statistics.median(run[key] for run in runs)
        wrong = sum(run["wrong"] + run["socket_errors"] + run["timeouts"] for run in runs)
        samples = [sample for run in runs for sample in run["samples"]]
        return {"rps": median("rps"), "p50": median("p50_us") / 1000, "p99": median("p99_us") / 1000,
                "wrong": wrong, "samples": samples, "runs": len(runs),
                "rps_spread": (min(run["rps"] for run in runs), max(run["rps"] for run in runs))}


def cell(stats, why):
    if stats is None:
        return f"{'(' + why + ')' if why else '—':^28}"
    return f"{stats['rps']:9.0f} {stats['p50']:7.2f} {stats['p99']:8.2f}  "


def ratio_cell(ours, theirs, minimum):
    if ours is None or theirs is None or not theirs["rps"]:
        return f"{'—':<17}"
    ratio = ours["rps"] / theirs["rps"]
    text = f"{ratio:.2f}" if ratio < 10 else f"{ratio:.0f}"
    return f"{text + '×':>6} ≥{minimum:<5g}{verdict(ratio >= minimum):>3}  " if minimum else f"{text + '×':>6}{'':11}"


def http_table(data, summary, skipped, lines):
    backends = ["totpgate", "floor", "flask"]
    labels = data["backends"]
    lines.append(f"{'route':<26}|{'totpgate':^28}|{'C floor':^28}|{'Flask':^28}| {'totpgate ÷ C':<17}| {'totpgate ÷ Flask':<17}| wrong")
    lines.append(f"{'':<26}|" + f"{'req/s':>9} {'p50 ms':>7} {'p99 ms':>8}  |" * 3 + f" {'':<17}| {'':<17}|")
    lines.append("-" * 160)
    for route in ["login_page", "home", "auth", "auth_anonymous", "qr", "login", "mixed_auth", "mixed_login"]:
        stats = {b: summary.get(route, b) for b in backends}
        if not any(stats.values()) and not any((route, b) in skipped for b in backends):
            continue
        floor_minimum, flask_minimum = RATIO_TARGETS.get(route, (None, None))
        wrong = sum(s["wrong"] for s in stats.values() if s)
        why = lambda b: "not served yet" if (route, b) in skipped else ("no such route" if b == "floor" else "")
        lines.append(f"{TITLES[route]:<26}|" + "|".join(cell(stats[b], why(b)) for b in backends)
                     + f"| {ratio_cell(stats['totpgate'], stats['floor'], floor_minimum)}"
                     + f"| {ratio_cell(stats['totpgate'], stats['flask'], flask_minimum)}"
                     + f"| {wrong if wrong == 0 else str(wrong) + ' WRONG'}")
    for route, backend in sorted(skipped):
        lines.append(f"  not measured: {TITLES.get(route, route)} on {labels[backend]}: {skipped[route, backend]}")
    for (route, backend), runs in sorted(summary.runs.items()):
        stats = summary.get(route, backend)
        if stats["wrong"]:
            lines.append(f"  WRONG responses, {TITLES[route]} on {labels[backend]}: {stats['wrong']}, e.g. {stats['samples'][:2]}")


def rss_table(data, lines):
    lines.append("")
    lines.append(f"{'peak RSS per process':<30}{'GET load (anon part)':>24}{'logins':>12}{'whole run':>12}   target (GET load)")
    labels = data["backends"]
    fmt = lambda kib: f"{kib / MIB:.1f} MiB" if kib else "—"
    for backend, processes in data["rss_kib"].items():
        main_pid = str(data["main_pids"][backend])
        for pid, peaks in sorted(processes.items(), key=lambda item: item[0] != main_pid):
            role = labels[backend] + ("" if len(processes) == 1 else " master" if pid == main_pid else " worker")
            get = peaks.get("get")
            if backend == "totpgate" and (pid != main_pid or len(processes) == 1):
                target = f"≤ {RSS_TARGET_MIB} MiB {verdict(get is not None and get / MIB <= RSS_TARGET_MIB)}"
            elif backend == "flask" and pid != main_pid:
                target = f"(tutorial: {TUTORIAL_WORKER_MIB} MiB)"
            else:
                target = ""
            get_cell = f"{fmt(get)} ({fmt(peaks.get('get_anon'))})"
            lines.append(f"{role + ' (pid ' + pid + ')':<30}{get_cell:>24}{fmt(peaks.get('login')):>12}"
                         f"{fmt(peaks.get('hwm')):>12}   {target}")
    lines.append("  (VmRSS polled every 50 ms during the wrk runs; anon = RssAnon, the rest is shared library and "
                 "program pages; whole run = VmHWM at the end)")


def store_table(summary, lines):
    """totpgate on PostgreSQL beside itself on SQLite, for the routes that reach the store."""
    routes = [route for route in TITLES if summary.get(route, "totpgate_pg")]
    if not routes:
        return
    lines.append("")
    lines.append(f"{'store':<26}|{'SQLite':^28}|{'PostgreSQL':^28}| PostgreSQL ÷ SQLite")
    lines.append(f"{'':<26}|" + f"{'req/s':>9} {'p50 ms':>7} {'p99 ms':>8}  |" * 2)
    lines.append("-" * 106)
    for route in routes:
        sqlite, postgres = summary.get(route, "totpgate"), summary.get(route, "totpgate_pg")
        lines.append(f"{TITLES[route]:<26}|{cell(sqlite, '')}|{cell(postgres, '')}| {ratio_cell(postgres, sqlite, None)}")
    lines.append("  (PostgreSQL 15 on this machine, through its unix socket, fsync off: a throwaway server, so the "
                 "figures show the client's cost, not a disk's)")


def rules_table(summary, lines):
    """/auth with 50 access rules beside /auth with none, from the same run."""
    none, rules = summary.get("auth", "totpgate"), summary.get("auth", "totpgate_rules")
    if rules is None:
        return
    lines.append("")
    lines.append(f"{'access rules':<26}|{'none':^28}|{'50 rules':^28}| 50 rules ÷ none")
    lines.append(f"{'':<26}|" + f"{'req/s':>9} {'p50 ms':>7} {'p99 ms':>8}  |" * 2)
    lines.append("-" * 106)
    lines.append(f"{TITLES['auth']:<26}|{cell(none, '')}|{cell(rules, '')}| {ratio_cell(rules, none, None)}")
    lines.append("  (the request passes on the 50th rule: 40 exact hosts, 5 wildcards and 4 path prefixes tried first)")


def mixed_summary(summary, lines):
    lines.append("")
    for backend, label in (("totpgate", "totpgate"), ("totpgate_pg", "totpgate+PG"), ("flask", "Flask")):
        auth, logins = summary.get("mixed_auth", backend), summary.get("mixed_login", backend)
        if auth is None:
            continue
        target = (f" (target ≤ {AUTH_P99_TARGET_MS} ms: {verdict(auth['p99'] <= AUTH_P99_TARGET_MS)})"
                  if backend.startswith("totpgate") else "")
        lines.append(f"/auth p99 during logins, {label}: {auth['p99']:.2f} ms{target}, "
                     f"while {logins['rps']:.1f} logins/s ran beside it")


def authorizer_table(summary, skipped, lines):
    """totpgate as Apache's FastCGI authorizer beside /auth through nginx, from the same run."""
    rows = [("apache_open", "Apache: the file alone"), ("authorizer", "Apache: authorizer, logged in"),
            ("authorizer_anonymous", "Apache: authorizer, anonymous"),
            ("auth", "nginx: GET /auth, logged in"), ("auth_anonymous", "nginx: GET /auth, anonymous")]
    if not any(summary.get(route, "totpgate") for route, _ in rows[:3]):
        return
    lines.append("")
    lines.append(f"{'totpgate guarding a file':<32}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}   (Apache: mod_authnz_fcgi, "
                 "a new TCP connection to totpgate per request; nginx: /auth as above)")
    for route, title in rows:
        stats = summary.get(route, "totpgate")
        if stats is None:
            why = skipped.get((route, "totpgate"), "not measured")
            lines.append(f"{title:<32}  ({why})")
            continue
        wrong = f"   {stats['wrong']} WRONG" if stats["wrong"] else ""
        lines.append(f"{title:<32}{stats['rps']:>9.0f}{stats['p50']:>9.2f}{stats['p99']:>9.2f}{wrong}")


def micro_table(out, lines):
    path = out / "micro.txt"
    if not path.exists():
        lines.append("\n(micro-benchmarks: no micro.txt)")
        return
    values = {}
    for line in path.read_text().splitlines():
        name, ours, theirs = line.split()
        values[name] = (float(ours), float(theirs))
    lines.append("")
    lines.append(f"{'micro-benchmark':<26}{'totpgate':>14}{'Python':>14}{'Python ÷ ours':>15}   target")
    if "totp_verify_ns" in values:
        ours, theirs = values["totp_verify_ns"]
        lines.append(f"{'TOTP verify, window ±1':<26}{ours:>9.0f} ns  {theirs:>9.0f} ns{theirs / ours:>14.1f}×"
                     f"   ≤ {TOTP_VERIFY_TARGET_NS} ns {verdict(ours <= TOTP_VERIFY_TARGET_NS)}, "
                     f"≥ {TOTP_VERIFY_TARGET_RATIO}× pyotp {verdict(theirs / ours >= TOTP_VERIFY_TARGET_RATIO)}")
    if "qr_png_ns" in values:
        ours, theirs = values["qr_png_ns"]
        lines.append(f"{'QR PNG render (6 px/mod)':<26}{ours / 1000:>9.1f} µs  {theirs / 1000:>9.1f} µs{theirs / ours:>14.1f}×"
                     f"   (qrcode + Pillow)")
    if "qr_png_bytes" in values:
        ours, theirs = values["qr_png_bytes"]
        lines.append(f"{'QR PNG size':<26}{ours:>10.0f} B  {theirs:>10.0f} B{theirs / ours:>14.1f}×")
    if "auth_counting_ns" in values and "auth_in_process_ns" in values:
        counting, auth = values["auth_counting_ns"][0], values["auth_in_process_ns"][0]
        lines.append(f"{'/metrics counting per /auth':<26}{counting:>9.0f} ns   of an in-process anonymous /auth "
                     f"({auth:.0f} ns): with ÷ without counting = {auth / (auth - counting):.3f}")


def main():
    out = Path(sys.argv[1])
    data = json.loads((out / "results.json").read_text())
    settings = data["settings"]
    summary = Summary(data["results"])
    skipped = {(s["route"], s["backend"]): s["why"] for s in data["skipped"]}
    lines = [
        f"totpgate bench, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {machine()}",
        f"wrk -t{settings['wrk_threads']} -c{settings['connections']} -d{settings['duration']}s through "
        f"{command_line(['nginx', '-v']).replace('nginx version: ', '')} (2 workers, a new FastCGI connection per request), "
        f"median of {settings['repeats']} runs; every response checked",
        f"totpgate serve --workers {settings.get('responder_workers', 1)} --threads {settings['responder_threads']}; "
        f"C floor {settings.get('responder_workers', 1)} processes of {settings['responder_threads']} threads; "
        f"Flask: gunicorn, {settings['flask_workers']} sync workers; logins: {settings['login_users']} users each, "
        f"{settings.get('login_connections', settings['connections'])} connections (POST /login), "
        f"{settings['mixed_login_connections']} connections logging in beside /auth",
        f"load average (1, 5, 15 min) before the run {' '.join(data['load_average']['before'])}, "
        f"after {' '.join(data['load_average']['after'])} (the machine is shared; other work skews single runs)",
        "",
    ]
    http_table(data, summary, skipped, lines)
    authorizer_table(summary, skipped, lines)
    store_table(summary, lines)
    rules_table(summary, lines)
    mixed_summary(summary, lines)
    rss_table(data, lines)
    micro_table(out, lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
