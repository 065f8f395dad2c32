"""Periodic jobs that run exactly once per period, however many workers are running.

Each worker ticks the scheduler; for every job whose latest due time has passed, it
tries to insert a `PeriodicRun(job, due_at)` row. The unique constraint lets exactly
one worker win that period, and only the winner enqueues the task.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from croniter import croniter
from django.db import IntegrityError, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    schedule: str
    task: Any
    # A period missed by more than this (workers were all down) is skipped, not replayed.
    catch_up: timedelta
    # The task receives `due_at` (ISO 8601), so it knows which period it runs for.
    pass_due_at: bool = False

    def latest_due(self, now: datetime) -> datetime:
        due: datetime = croniter(self.schedule, now + timedelta(microseconds=1)).get_prev(datetime)
        return due


_jobs: dict[str, PeriodicJob] = {}


def periodic(
    schedule: str,
    *,
    name: str,
    catch_up: timedelta = timedelta(hours=1),
    pass_due_at: bool = False,
) -> Callable[[T], T]:
    """Register a task to run on a cron `schedule` (5 fields, or 6 with seconds last), in UTC.

    With `pass_due_at=True` the task is called with `due_at=<ISO 8601 time of the period>`.
    """
    if not croniter.is_valid(schedule):
        raise ValueError(f"{schedule!r} is not a valid cron schedule")
    if not 0 < len(name) <= 200:
        raise ValueError("a periodic job needs a name of 1 to 200 characters")

    def register(task_obj: T) -> T:
        if not callable(getattr(task_obj, "enqueue", None)):
            raise TypeError(f"@periodic({name!r}) must decorate a task: put it above @task()")
        _jobs[name] = PeriodicJob(
            name=name,
            schedule=schedule,
            task=task_obj,
            catch_up=catch_up,
            pass_due_at=pass_due_at,
        )
        return task_obj

    return register


def jobs() -> dict[str, PeriodicJob]:
    return dict(_jobs)


class Scheduler:
    """Per-worker state: remembers the periods it already settled, so a tick costs no query."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self.settled: dict[str, datetime] = {}

    def tick(self, now: datetime | None = None) -> list[str]:
        now = now or timezone.now()
        enqueued = []
        for job in jobs().values():
            due = job.latest_due(now)
            if self.settled.get(job.name) == due:
                continue
            if now - due > job.catch_up:
                self.settled[job.name] = due
                continue
            if self._claim(job, due):
                enqueued.append(job.name)
            self.settled[job.name] = due
        return enqueued

    def _claim(self, job: PeriodicJob, due: datetime) -> bool:
        from dukkan.core.models import PeriodicRun

        try:
            with transaction.atomic():
                PeriodicRun.objects.create(job=job.name, due_at=due, claimed_by=self.worker_id)
                if job.pass_due_at:
                    job.task.enqueue(due_at=due.isoformat())
                else:
                    job.task.enqueue()
        except IntegrityError:
            return False
        logger.info("periodic job enqueued", extra={"job": job.name, "due_at": due.isoformat()})
        return True
