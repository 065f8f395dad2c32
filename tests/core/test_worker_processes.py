"""Two real `dukkan worker` processes on one queue: nothing runs twice, nothing is lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from dukkan.core.models import PeriodicRun
from dukkan.core.worker import run_pending_tasks
from tests.core.workerapp.tasks import JOB_NAME, read_records, record_number

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_database_url() -> str:
    """The URL of the database this test runs on, for processes started by the test."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = quote(settings["USER"] or "")
    password = f":{quote(settings['PASSWORD'])}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


test_database_url.__test__ = False  # type: ignore[attr-defined]


class Workers:
    def __init__(self, record_dir: Path, log_dir: Path) -> None:
        self.record_dir = record_dir
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, count: int) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.core.workerapp.settings",
            "DATABASE_URL": test_database_url(),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            "DUKKAN_TEST_RECORD_DIR": str(self.record_dir),
            "DUKKAN_LOG_LEVEL": "INFO",
        }
        for n in range(count):
            log = (self.log_dir / f"worker{n}.log").open("wb")
            self.processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "dukkan", "worker", "--interval", "0.1"],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        self.wait_for(lambda: all("worker started" in self.log(n) for n in range(count)))

    def log(self, n: int) -> str:
        return (self.log_dir / f"worker{n}.log").read_text(errors="replace")

    def wait_for(self, condition: Callable[[], bool], what: str = "workers to start") -> None:
        deadline = time.monotonic() + 90
        while not condition():
            for n, process in enumerate(self.processes):
                if process.poll() is not None:
                    pytest.fail(f"worker {n} exited with {process.returncode}:\n{self.log(n)}")
            if time.monotonic() > deadline:
                logs = "\n".join(self.log(n) for n in range(len(self.processes)))
                pytest.fail(f"gave up waiting for {what}; worker logs:\n{logs}")
            time.sleep(0.1)

    def stop(self) -> list[int | None]:
        alive = [p.poll() for p in self.processes]
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        return alive


@pytest.fixture
def workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workers]:
    record_dir = tmp_path / "records"
    record_dir.mkdir()
    # Tasks run in this process too (run_pending_tasks) record in the same place.
    monkeypatch.setenv("DUKKAN_TEST_RECORD_DIR", str(record_dir))
    group = Workers(record_dir, tmp_path)
    yield group
    group.stop()  # Before the test database is flushed.


def test_fifty_tasks_each_run_exactly_once_by_two_workers(workers: Workers) -> None:
    workers.start(2)
    for n in range(50):
        record_number.enqueue(n)

    def all_done() -> bool:
        return len(read_records(workers.record_dir, "numbers.log")) >= 50 and (
            not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists()
        )

    workers.wait_for(all_done, "50 tasks to finish")
    assert workers.stop() == [None, None], "both workers were still running"

    records = read_records(workers.record_dir, "numbers.log")
    counts = Counter(int(n) for n, _ in records)
    assert sorted(counts) == list(range(50))
    assert set(counts.values()) == {1}, f"run more than once: {counts}"
    results = DBTaskResult.objects.filter(task_path__endswith="record_number")
    assert results.count() == 50
    assert set(results.values_list("status", flat=True)) == {"SUCCESSFUL"}
    # Both processes took part, so the claim really was contested.
    by_worker = Counter(pid for _, pid in records)
    assert len(by_worker) == 2, f"tasks per worker process: {dict(by_worker)}"


def test_periodic_job_runs_once_per_period_with_two_workers(workers: Workers) -> None:
    from dukkan.core.periodic import jobs

    assert JOB_NAME not in jobs(), "the test job belongs to the worker processes only"
    periods = 4
    workers.start(2)

    def enough_periods() -> bool:
        return len(read_records(workers.record_dir, "periods.log")) >= periods

    workers.wait_for(enough_periods, f"{periods} periods of the two-second job")
    assert workers.stop() == [None, None], "both workers were still running"
    # A period claimed just before the stop is still queued: run it here, as a worker would.
    run_pending_tasks()

    records = read_records(workers.record_dir, "periods.log")
    ran = Counter(due for due, _ in records)
    assert len(ran) >= periods
    assert set(ran.values()) == {1}, f"a period ran more than once: {ran}"
    claimed = [
        due.isoformat()
        for due in PeriodicRun.objects.filter(job=JOB_NAME).values_list("due_at", flat=True)
    ]
    assert sorted(claimed) == sorted(ran)
    for due in ran:
        assert datetime.fromisoformat(due).second % 2 == 0
