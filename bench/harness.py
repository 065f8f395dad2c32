"""Reusable pieces for Dukkan's benchmarks.

Every benchmark follows the conventions in DESIGN.md: `--db sqlite|postgresql [--quick]`,
real `dukkan serve` processes started and stopped here, load from a separate process,
and one JSON object per line per configuration on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/dukkan_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
REPO = Path(__file__).resolve().parent.parent


def parse_args(description: str, argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--quick", action="store_true", help="a short run with the same output")
    return parser.parse_args(argv)


def log(message: str) -> None:
    """Progress goes to stderr so stdout holds only the JSON lines."""
    print(message, file=sys.stderr, flush=True)


def emit(record: dict[str, Any]) -> None:
    print(json.dumps(record, ensure_ascii=False, separators=(",", ":")), flush=True)


def free_port(start: int = 18300, stop: int = 18400) -> int:
    """A free port in the range, so parallel runs on one machine stay out of each other's way."""
    low = int(os.environ.get("DUKKAN_BENCH_PORT_MIN", start))
    high = int(os.environ.get("DUKKAN_BENCH_PORT_MAX", stop))
    for port in range(low, high):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {low}-{high}")


def _ensure_postgres_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


@dataclass
class Environment:
    """The environment variables for `dukkan` processes of one benchmark configuration."""

    db: str
    data_dir: Path
    env: dict[str, str]

    def run_dukkan(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "dukkan", *args],
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def python(self, code: str) -> str:
        """Runs code in a fresh process with Django set up on this environment's database."""
        prelude = "from dukkan.cli import _setup\n_setup()\n"
        done = subprocess.run(
            [sys.executable, "-c", prelude + code],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout


@contextmanager
def environment(db: str, **extra: str) -> Iterator[Environment]:
    """A throwaway data folder and, for PostgreSQL, a database that exists and is migrated."""
    data_dir = Path(tempfile.mkdtemp(prefix=f"dukkan-bench-{db}-"))
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "PROMETHEUS_MULTIPROC_DIR"}
    }
    env.update(
        DUKKAN_DATA_DIR=str(data_dir),
        DUKKAN_LOG_FORMAT="json",
        DUKKAN_LOG_LEVEL="INFO",
        DUKKAN_ENV="development",
        PYTHONUNBUFFERED="1",
    )
    if db == "postgresql":
        env["DATABASE_URL"] = os.environ.get("DATABASE_URL") or DEFAULT_POSTGRES_URL
        env["REDIS_URL"] = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
        _ensure_postgres_database(env["DATABASE_URL"])
    env.update(extra)
    prepared = Environment(db=db, data_dir=data_dir, env=env)
    try:
        prepared.run_dukkan("manage", "migrate", "--no-input", "-v", "0")
        yield prepared
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def load_demo(prepared: Environment) -> None:
    prepared.python("from dukkan.demo import load_demo\nload_demo()\n")


class Server:
    """A real `dukkan serve` process (and its uvicorn workers) on a free loopback port."""

    def __init__(self, prepared: Environment, *, workers: int = 1, extra_args: Sequence[str] = ()):
        self.prepared = prepared
        self.workers = workers
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = prepared.data_dir / f"serve-{self.port}.log"
        self.extra_args = list(extra_args)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> Server:
        command = [sys.executable, "-m", "dukkan", "serve", "--port", str(self.port)]
        command += ["--workers", str(self.workers), "--no-migrate", *self.extra_args]
        with self.log_path.open("wb") as output:
            # Own session: stopping it reaches uvicorn's worker processes too.
            self.process = subprocess.Popen(
                command,
                env=self.prepared.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"dukkan serve exited early:\n{self.log_path.read_text()[-3000:]}"
                )
            if self._answers():
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"dukkan serve did not answer in {timeout}s")

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.base_url + "/healthz", timeout=1) as response:
                return bool(response.status == 200)
        except (OSError, urllib.error.URLError):
            return False

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class LoadResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _to_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip())
    if not match:
        raise ValueError(f"cannot read wrk duration {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        log("wrk is not installed: apt-get install wrk (the load generator these benchmarks use)")
        raise SystemExit(2)
    return path


def wrk(
    url: str,
    *,
    seconds: int,
    connections: int,
    threads: int = 1,
    headers: Sequence[str] = (),
) -> LoadResult:
    """Loads a URL with wrk, a separate process, and reads its latency distribution."""
    command = [require_wrk(), f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 30
    ).stdout
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    total = re.search(r"^\s+(\d+) requests in", output, re.MULTILINE)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if not (rps and total and "50" in percentiles and "99" in percentiles):
        raise RuntimeError(f"cannot read wrk output:\n{output}")
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return LoadResult(
        rps=round(float(rps.group(1)), 1),
        p50_ms=round(_to_ms(percentiles["50"]), 2),
        p99_ms=round(_to_ms(percentiles["99"]), 2),
        requests=int(total.group(1)),
        errors=errors,
    )


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
