"""`Scheduler.tick` with explicit times: once per period, a catch-up window, no backfill."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django_tasks_db.models import DBTaskResult

from dukkan.core import periodic as periodic_module
from dukkan.core.models import PeriodicRun
from dukkan.core.periodic import PeriodicJob, Scheduler, jobs, periodic
from dukkan.core.worker import run_pending_tasks
from tests.core.workerapp.tasks import read_records, record_number, record_period

HOURLY = "tests.hourly"


def at(hour: int, minute: int = 0, second: int = 0, day: int = 10) -> datetime:
    return datetime(2026, 5, day, hour, minute, second, tzinfo=UTC)


@pytest.fixture
def register(monkeypatch: pytest.MonkeyPatch) -> Callable[..., PeriodicJob]:
    """Register a job for one test only; the registry is restored afterwards."""

    def add(name: str, schedule: str, task: object, **options: object) -> PeriodicJob:
        monkeypatch.setitem(periodic_module._jobs, name, None)  # remembered for restore
        periodic(schedule, name=name, **options)(task)  # type: ignore[arg-type]
        return jobs()[name]

    return add


def runs(name: str) -> list[tuple[datetime, str]]:
    return list(
        PeriodicRun.objects.filter(job=name).order_by("due_at").values_list("due_at", "claimed_by")
    )


def only_ours(enqueued: list[str], name: str) -> list[str]:
    # The production jobs (daily prunes) are registered too; these tests look at their own.
    return [job for job in enqueued if job == name]


@pytest.mark.django_db
def test_same_period_runs_once_across_workers(register: Callable[..., PeriodicJob]) -> None:
    register(HOURLY, "0 * * * *", record_number)
    first, second = Scheduler("worker-a"), Scheduler("worker-b")

    assert only_ours(first.tick(at(10, 0, 0)), HOURLY) == [HOURLY]
    assert only_ours(first.tick(at(10, 20)), HOURLY) == []  # settled: no second claim
    assert only_ours(second.tick(at(10, 5)), HOURLY) == []  # the other worker lost the race
    assert runs(HOURLY) == [(at(10), "worker-a")]
    ours = DBTaskResult.objects.filter(task_path__endswith="record_number")
    assert ours.count() == 1

    assert only_ours(second.tick(at(11, 0, 1)), HOURLY) == [HOURLY]
    assert only_ours(first.tick(at(11, 0, 2)), HOURLY) == []
    assert runs(HOURLY) == [(at(10), "worker-a"), (at(11), "worker-b")]
    assert ours.count() == 2


@pytest.mark.django_db
def test_missed_periods_are_not_backfilled(register: Callable[..., PeriodicJob]) -> None:
    register(HOURLY, "0 * * * *", record_number)
    scheduler = Scheduler("worker-a")
    scheduler.tick(at(10, 0, 30))
    # All workers were down from 10:01 to 13:10: only the latest period runs.
    scheduler.tick(at(13, 10))
    assert [due for due, _ in runs(HOURLY)] == [at(10), at(13)]


@pytest.mark.django_db
def test_period_missed_beyond_catch_up_is_skipped(register: Callable[..., PeriodicJob]) -> None:
    register("tests.daily", "0 3 * * *", record_number, catch_up=timedelta(minutes=30))
    late = Scheduler("worker-late")
    assert only_ours(late.tick(at(3, 31)), "tests.daily") == []
    assert runs("tests.daily") == []
    # The worker remembers that it skipped, and a fresh worker inside the window still runs it.
    assert only_ours(late.tick(at(3, 32)), "tests.daily") == []
    assert only_ours(Scheduler("w2").tick(at(3, 29, day=11)), "tests.daily") == ["tests.daily"]
    assert [due for due, _ in runs("tests.daily")] == [at(3, day=11)]


@pytest.mark.django_db(transaction=True)
def test_seconds_schedule_and_due_time_handed_to_the_task(
    register: Callable[..., PeriodicJob], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUKKAN_TEST_RECORD_DIR", str(tmp_path))
    register("tests.two_seconds", "* * * * * */2", record_period, pass_due_at=True)
    scheduler = Scheduler("worker-a")
    for second in (0, 1, 2, 3, 3, 4):
        scheduler.tick(at(9, 0, second) + timedelta(milliseconds=500))
    assert [due for due, _ in runs("tests.two_seconds")] == [at(9, 0, 0), at(9, 0, 2), at(9, 0, 4)]

    run_pending_tasks()
    recorded = sorted(due for due, _ in read_records(tmp_path, "periods.log"))
    assert recorded == [at(9, 0, s).isoformat() for s in (0, 2, 4)]


@pytest.mark.django_db
def test_running_tasks_inside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError, match=r"django_db\(transaction=True\)"):
        run_pending_tasks()


def test_bad_schedule_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="not a valid cron schedule"):
        periodic("every hour", name="tests.bad")
    with pytest.raises(ValueError, match="not a valid cron schedule"):
        periodic("61 * * * *", name="tests.bad")
    assert "tests.bad" not in jobs()


def test_decorating_a_plain_function_is_refused() -> None:
    def not_a_task() -> None:
        pass

    with pytest.raises(TypeError, match="above @task"):
        periodic("0 * * * *", name="tests.plain")(not_a_task)
    assert "tests.plain" not in jobs()


def test_production_jobs_are_registered() -> None:
    assert {"core.prune_finished_tasks", "core.prune_periodic_runs"} <= set(jobs())
    for job in jobs().values():
        assert job.latest_due(at(12)) <= at(12)
