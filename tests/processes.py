"""Helpers for tests that start real `dukkan` processes (servers, workers, commands)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Ports for servers started by tests; kept apart from anything a developer runs.
PORTS = range(18100, 18200)
CONFIG_VARIABLES = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "DEBUG",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "PROMETHEUS_MULTIPROC_DIR",
)


def database_url() -> str:
    """The URL of the database the current test runs on, for processes the test starts."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = quote(settings["USER"] or "")
    password = f":{quote(settings['PASSWORD'])}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def clean_environ(data_dir: Path, **extra: str) -> dict[str, str]:
    """This process's environment without Dukkan's settings, plus `extra`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DUKKAN_") and key not in CONFIG_VARIABLES
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env["DUKKAN_DATA_DIR"] = str(data_dir)
    env.update(extra)
    return env


# CI runs the SQLite and the PostgreSQL pass side by side; each pass gets its own port offset
# so two suites never race for the same port.
PORT_OFFSET = int(os.environ.get("DUKKAN_TEST_PORT_OFFSET", "0"))


def free_port(ports: range = PORTS) -> int:
    ports = range(ports.start + PORT_OFFSET, ports.stop + PORT_OFFSET)
    for port in ports:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports.start}-{ports.stop - 1}")


def dukkan(
    *args: str, env: Mapping[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run a `dukkan` command to its end."""
    return subprocess.run(
        [sys.executable, "-m", "dukkan", *args],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class Process:
    """A long-running `dukkan` command whose output goes to a file."""

    def __init__(self, args: list[str], env: Mapping[str, str], log_path: Path) -> None:
        self.log_path = log_path
        with log_path.open("wb") as log:
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "dukkan", *args],
                cwd=ROOT,
                env=dict(env),
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    @property
    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self) -> int:
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
        try:
            return self.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()
            pytest.fail(f"process did not stop on SIGTERM:\n{self.output}")


def wait_until(
    condition: Callable[[], bool],
    what: str,
    processes: list[Process],
    limit: float = 120,
) -> None:
    """Poll `condition`; fail at once with the logs if a process dies, or after `limit`."""
    deadline = time.monotonic() + limit
    while not condition():
        for process in processes:
            if not process.alive():
                pytest.fail(
                    f"{what}: a process exited with {process.popen.returncode}:\n{process.output}"
                )
        if time.monotonic() > deadline:
            logs = "\n---\n".join(p.output for p in processes)
            pytest.fail(f"gave up waiting for {what}; logs:\n{logs}")
        time.sleep(0.1)


def answers(url: str) -> bool:
    import httpx

    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
