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


@periodic("45 * * * *", name="reportcards.resume", catch_up=timedelta(hours=2))
@task()
def resume_report_cards() -> None:
    """Hourly: finish the cards a crashed worker left claimed past the lease (they would
    otherwise wait for nothing: the monthly run has passed)."""
    from dukkan.reportcards.services import run_report_cards, stale_periods

    for period in stale_periods():
        run_report_cards(period, claim_new=False)
