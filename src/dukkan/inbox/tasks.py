"""The inbox's periodic job: emails about messages nobody has seen."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from dukkan.core.periodic import periodic


@periodic("* * * * *", name="inbox.send_due_notices", catch_up=timedelta(minutes=10))
@task()
def send_due_notices() -> dict[str, int]:
    """Every minute: unseen customer messages to agents, then owners; unseen replies to customers."""
    from dukkan.inbox.notifications import send_due_notices as run

    outcome = run()
    return {"agent": outcome.agent, "owner": outcome.owner, "customer": outcome.customer}
