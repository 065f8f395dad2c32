"""Periodic jobs of the realtime layer."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from dukkan.core.periodic import periodic
from dukkan.realtime import presence


@periodic("* * * * *", name="realtime.expire_presence", catch_up=timedelta(minutes=5))
@task()
def expire_presence() -> int:
    """Agents whose connections died without a word (a killed process) go offline."""
    return presence.expire()
