"""Periodic jobs of conversations."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from dukkan.core.periodic import periodic
from dukkan.support import services


@periodic("* * * * *", name="support.wake_snoozed", catch_up=timedelta(hours=1))
@task()
def wake_snoozed() -> int:
    """Snoozed conversations whose time has come are open again."""
    return services.wake_snoozed()
