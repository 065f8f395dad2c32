"""Two real `dukkan worker` processes on one queue: nothing runs twice, nothing is lost."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from django_tasks_db.models import DBTaskResult

from dukkan.core.models import PeriodicRun
from dukkan.core.periodic import jobs
from dukkan.core.worker import run_pending_tasks
from tests.core.workerapp.tasks import JOB_NAME, read_records, record_number
from tests.processes import Process, clean_environ, database_url, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


class Workers:
    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.record_dir = tmp_path / "records"
        self.record_dir.mkdir()
        self.processes: list[Process] = []

    def start(self, count: int) -> None:
        env = clean_environ(
            self.tmp_path / "data",
            DJANGO_SETTINGS_MODULE="tests.core.workerapp.settings",
            DATABASE_URL=database_url(),
            DUKKAN_TEST_RECORD_DIR=str(self.record_dir),
            DUKKAN_LOG_FORMAT="console",
            DUKKAN_LOG_LEVEL="INFO",
            EMAIL_URL="locmem:",
        )
        for n in range(count):
            args = ["worker", "--interval", "0.1"]
            self.processes.append(Process(args, env, self.tmp_path / f"worker{n}.log"))
        self.wait_for(lambda: all("worker started" in p.output for p in self.processes), "start")

    def wait_for(self, condition: Callable[[], bool], what: str) -> None:
        wait_until(condition, f"workers to {what}", self.processes)

    def stop(self) -> list[bool]:
        """Stop every worker; say which ones were still running until then."""
        alive = [process.alive() for process in self.processes]
        for process in self.processes:
            process.stop()
        return alive


@pytest.fixture
def workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workers]:
    group = Workers(tmp_path)
    # Tasks run in this process (run_pending_tasks) record in the same place.
    monkeypatch.setenv("DUKKAN_TEST_RECORD_DIR", str(group.record_dir))
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

    workers.wait_for(all_done, "finish 50 tasks")
    assert workers.stop() == [True, True], "both workers ran until the end"

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
    assert JOB_NAME not in jobs(), "the test job belongs to the worker processes only"
    periods = 4
    workers.start(2)

    def enough_periods() -> bool:
        return len(read_records(workers.record_dir, "periods.log")) >= periods

    workers.wait_for(enough_periods, f"run {periods} periods of the two-second job")
    assert workers.stop() == [True, True], "both workers ran until the end"
    # A period claimed just before the stop is still queued: run it here, as a worker would.
    run_pending_tasks()

    records = read_records(workers.record_dir, "periods.log")
    ran = Counter(due for due, _ in records)
    assert len(ran) >= periods
    assert set(ran.values()) == {1}, f"a period ran more than once: {ran}"
    claimed = PeriodicRun.objects.filter(job=JOB_NAME).values_list("due_at", flat=True)
    assert sorted(due.isoformat() for due in claimed) == sorted(ran)
    for due in ran:
        assert datetime.fromisoformat(due).second % 2 == 0
