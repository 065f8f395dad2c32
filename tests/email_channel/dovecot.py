"""A real IMAP server for the polling tests: Debian's dovecot, started with its own
configuration in a temporary folder, on a port of the email channel's range, with one
passwd-file user. Never the system's service."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.processes import free_port

USER = "support"
PASSWORD = "imap-test-password"


def _binary() -> str | None:
    found = shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None
    )
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        # Like dev.py does for chromium: install Debian's package when we may.
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "dovecot-imapd"],
            capture_output=True,
            timeout=300,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        found = shutil.which("dovecot") or (
            "/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None
        )
    return found


@dataclass
class Dovecot:
    port: int
    user: str = USER
    password: str = PASSWORD


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    binary = _binary()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("dovecot is not installed; .ci/run must install dovecot-imapd")
        pytest.skip(
            "dovecot is not installed and cannot be (apt-get install dovecot-imapd as root)"
        )
    port = free_port(range(20450, 20500))
    # Not pytest's tmp_path: dovecot's own users must be able to walk to the folder.
    root = Path(tempfile.mkdtemp(prefix="dukkan-dovecot-"))
    os.chmod(root, 0o755)
    (root / "run").mkdir(parents=True)
    (root / "mail").mkdir()
    if os.geteuid() == 0:
        mail_user = pwd.getpwnam("dovecot")
        internal, login = "dovecot", "dovenull"
    else:
        mail_user = pwd.getpwuid(os.getuid())
        internal = login = mail_user.pw_name
    home = root / "mail" / USER
    home.mkdir()
    os.chown(home, mail_user.pw_uid, mail_user.pw_gid)
    (root / "passwd").write_text(
        f"{USER}:{{PLAIN}}{PASSWORD}:{mail_user.pw_uid}:{mail_user.pw_gid}::{home}\n"
    )
    config = root / "dovecot.conf"
    config.write_text(f"""
base_dir = {root}/run
state_dir = {root}/run
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = 1
default_internal_user = {internal}
default_internal_group = {pwd.getpwnam(internal).pw_name if os.geteuid() == 0 else mail_user.pw_name}
default_login_user = {login}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
service pop3-login {{
  chroot =
}}
""")
    os.chmod(root, 0o755)
    # dovecot forks into the background; its output goes to a file so no pipe stays open.
    with (root / "start.log").open("wb") as out:
        started = subprocess.run(
            [binary, "-c", str(config)], stdout=out, stderr=out, stdin=subprocess.DEVNULL
        )
    if started.returncode != 0:
        pytest.fail(f"dovecot did not start: {(root / 'start.log').read_text()}")
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
                pytest.fail(f"dovecot did not listen on {port}: {log}")
            time.sleep(0.1)
    yield Dovecot(port)
    subprocess.run(
        [binary, "-c", str(config), "stop"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    shutil.rmtree(root, ignore_errors=True)
