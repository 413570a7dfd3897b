"""Following a README section's commands on this machine, as the README-walk
tests do: each command taken from the section as written (so an edit of one
that is not made in the other fails), run as root through bash with the
fixed places README names (/usr/local, /etc/…, /var/…) moved under a
temporary root."""
import os
import re
import subprocess
from pathlib import Path

from conftest import ROOT
from deployments import self_signed_certificate

HOST = "gate.example.org"  # "First name your host": not the example's own


class ReadmeSection:
    """The commands of the README section headed `heading` (a continued line
    joined to the next); calling it with a command checks that the section
    says it, as written, and returns it."""

    def __init__(self, heading):
        self.heading = heading

    def commands(self):
        section = (ROOT / "README.md").read_text().partition(f"\n## {self.heading}\n")[2].partition("\n## ")[0]
        blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
        return [line.strip() for block in blocks for line in block.replace("\\\n", " ").splitlines() if line.strip()]

    def __call__(self, command):
        assert " ".join(command.split()) in [" ".join(line.split()) for line in self.commands()], \
            f"README's {self.heading} section no longer says: {command}"
        return command


class Host:
    """The machine being deployed to, rooted at `root`: commands run through
    bash as root, with the places README names moved there."""

    PLACES = ["/usr/local/", "/etc/totpgate/", "/etc/nginx/", "/etc/lighttpd/", "/etc/letsencrypt/", "/var/lib/totpgate",
              "/var/www/"]

    def __init__(self, root: Path):
        self.root = root
        self.user = "totpgate"
        self.environment = dict(os.environ, host=HOST, PATH=f"{root}/usr/local/bin:{os.environ['PATH']}")

    def here(self, command):
        """`command` with README's places under the root and the service user's name."""
        places = "|".join(re.escape(place) for place in self.PLACES)
        command = re.sub(rf"(?<![\w/.-])({places})", lambda place: f"{self.root}{place.group(1)}", command)
        return re.sub(r"(runuser -u |/usr/sbin/nologin )totpgate\b", rf"\g<1>{self.user}", command)

    def run(self, command, **kwargs):
        """Runs a README command here as root; returns its standard output."""
        result = subprocess.run(["bash", "-c", self.here(command)], env=self.environment, cwd=self.root,
                                capture_output=True, text=True, timeout=120, **kwargs)
        assert result.returncode == 0, f"{command}\n{result.stderr}"
        return result.stdout


def certificate_where_certbot_puts_it(root, readme):
    """README's certbot step: a self-signed certificate for the host in Let's Encrypt's paths: (certificate, key)."""
    readme('certbot certonly --standalone -d "$host"')
    live = root / "etc/letsencrypt/live" / HOST
    live.mkdir(parents=True)
    certificate, key = self_signed_certificate(live, hosts=[HOST])
    return certificate.rename(live / "fullchain.pem"), key.rename(live / "privkey.pem")


def curl(port, tls):
    """curl reaching the host on this machine's loopback `port`, trusting its certificate."""
    return ["curl", "--resolve", f"{HOST}:{port}:127.0.0.1", "--cacert", str(tls[0])]
