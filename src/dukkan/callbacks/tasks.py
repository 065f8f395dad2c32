"""The callbacks' periodic job: reminders before the deadline, escalation after it."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from dukkan.core.periodic import periodic


@periodic("* * * * *", name="callbacks.sweep", catch_up=timedelta(minutes=10))
@task()
def sweep() -> dict[str, int]:
    from dukkan.callbacks.services import sweep as run

    result = run()
    return {"reminded": result.reminded, "escalated": result.escalated}
