"""The report-card day: a daily periodic task that runs the job when the day has come."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from dukkan.core.periodic import periodic


@periodic("15 2 * * *", name="reportcards.monthly", catch_up=timedelta(hours=20))
@task()
def monthly_report_cards() -> None:
    """Runs daily; on the operator's report-card day computes the cards (exactly once per
    store and period: the card rows are claimed with an insert that ignores conflicts)."""
    from dukkan.reportcards.services import due_period, run_report_cards

    period = due_period(timezone.now().date())
    if period is not None:
        run_report_cards(period)
