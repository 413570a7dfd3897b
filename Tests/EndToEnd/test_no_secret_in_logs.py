"""Issue 15: no password, TOTP secret, code, recovery code or cookie value in
any log line, text or JSON. Runs after every other test of the run (conftest
sorts it last) and greps every log they left for every secret they used."""
import re

from conftest import UsedSecrets

# Numbers that are not codes: process ids in the supervisor's lines.
NOT_CODES = re.compile(r"\b(worker|process|pid) \d+")


def test_no_log_of_the_run_holds_a_secret_it_used(tmp_path_factory):
    # Every log but chromedriver's, which records the keys Selenium types into the pages (the browser tests' passwords).
    logs = [path for path in tmp_path_factory.getbasetemp().rglob("*.log") if path.is_file() and path.name != "chromedriver.log"]
    leaks = []
    for log in logs:
        text = log.read_text(errors="replace")
        leaks += [f"{log}: {value!r}" for value in UsedSecrets.values if value in text]
        numbers = set(re.findall(r"(?<![0-9])[0-9]{6,8}(?![0-9])", NOT_CODES.sub("", text)))
        leaks += [f"{log}: code {code}" for code in UsedSecrets.codes & numbers]
    assert not leaks, "\n".join(leaks)
