"""A real `dukkan serve` on the test database with the demo marketplace, for the widget's
browser tests (WebSockets need the ASGI server; pytest-django's live server has none)."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from tests.browser.conftest import browser  # noqa: F401  (the fixture, shared)
from tests.processes import Process, answers, clean_environ, database_url, free_port, wait_until

PORTS = range(18300, 18400)  # the widget suite's ports


@dataclass
class Server:
    base: str
    process: Process
    args: list[str]
    env: dict[str, str]
    log: Path

    def restart(self) -> None:
        """Start the server again on the same port (after it was stopped or killed)."""
        self.process = Process(self.args, self.env, self.log.with_suffix(".again.log"))
        wait_until(lambda: answers(f"{self.base}/healthz"), "dukkan serve again", [self.process])


def _stop(process: Process) -> None:
    """SIGTERM, and time for uvicorn's graceful shutdown: a long-poll of the HTTP fallback
    (up to 25 s) may still be open on the server after the browser went away."""
    if process.alive():
        process.popen.send_signal(signal.SIGTERM)
    try:
        process.popen.wait(timeout=45)
    except subprocess.TimeoutExpired:
        process.popen.kill()
        process.popen.wait()
        pytest.fail(f"the server did not stop on SIGTERM:\n{process.output}")


def _real_password_hashes() -> None:
    """The test settings hash passwords with MD5 (fast), which the server's real settings do
    not accept; give the demo team a hash the server checks, as `dukkan demo` would."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from dukkan.accounts.models import Membership
    from dukkan.demo import DEMO_PASSWORD

    hasher = PBKDF2PasswordHasher()
    for membership in Membership.objects.select_related("user"):
        user = membership.user
        user.password = hasher.encode(DEMO_PASSWORD, hasher.salt(), iterations=1000)
        user.save(update_fields=["password"])


@pytest.fixture
def chat_server(transactional_db: None, tmp_path: Path) -> Iterator[Server]:
    """The demo data committed to the test database, then a server process on it."""
    from dukkan.demo import load_demo

    load_demo()
    _real_password_hashes()
    # One instance: the server reads what the test process sealed (licence keys) with its secret.
    extra = {"DATABASE_URL": database_url(), "SECRET_KEY": settings.SECRET_KEY}
    if os.environ.get("REDIS_URL"):
        extra["REDIS_URL"] = os.environ["REDIS_URL"]
    env = clean_environ(tmp_path / "data", DUKKAN_LOG_FORMAT="console", **extra)
    port = free_port(PORTS)
    args = ["serve", "--no-migrate", "--port", str(port)]
    log = tmp_path / "serve.log"
    server = Server(f"http://127.0.0.1:{port}", Process(args, env, log), args, env, log)
    try:
        wait_until(lambda: answers(f"{server.base}/healthz"), "dukkan serve", [server.process])
        yield server
    finally:
        _stop(server.process)
        from django.db import connections

        connections.close_all()
