"""Background tasks of the core app, and the periodic jobs it registers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django_tasks import task

from dukkan.core.periodic import periodic


@task()
def handle_event(handler_path: str, event_name: str, payload: dict[str, Any]) -> None:
    from dukkan.core.events import resolve_event, resolve_handler

    event = resolve_event(event_name).from_payload(payload)
    resolve_handler(handler_path)(event)


@periodic("17 3 * * *", name="core.prune_finished_tasks")
@task()
def prune_finished_tasks() -> int:
    """Keep the task table small: finished results older than a week go."""
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - timedelta(days=7)
    deleted, _ = DBTaskResult.objects.filter(finished_at__lt=cutoff).delete()
    return deleted


@periodic("0 4 * * *", name="core.prune_periodic_runs")
@task()
def prune_periodic_runs() -> int:
    from dukkan.core.models import PeriodicRun

    cutoff = timezone.now() - timedelta(days=90)
    deleted, _ = PeriodicRun.objects.filter(due_at__lt=cutoff).delete()
    return deleted
