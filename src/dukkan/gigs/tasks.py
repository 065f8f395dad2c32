"""Periodic jobs of the gigs app: late orders are marked, unanswered deliveries complete,
checkout refunds the ledger missed are booked; and the status emails."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from dukkan.core.periodic import periodic


@periodic("*/10 * * * *", name="gigs.mark_late", catch_up=timedelta(hours=1))
@task()
def mark_late_orders() -> int:
    from dukkan.gigs.services import mark_late

    return mark_late(timezone.now())


@periodic("7 * * * *", name="gigs.auto_complete", catch_up=timedelta(hours=6))
@task()
def auto_complete_orders() -> int:
    from dukkan.gigs.services import auto_complete_due

    return auto_complete_due(timezone.now())


@periodic("23 * * * *", name="gigs.sync_refunds", catch_up=timedelta(hours=6))
@task()
def sync_refunds() -> int:
    from dukkan.gigs.services import sync_checkout_refunds

    return sync_checkout_refunds()


@task()
def send_gig_notice(gig_order_id: int, kind: str, to: str) -> int:
    """A status email of a service order (see `gigs.mail`)."""
    from dukkan.gigs.mail import send

    return send(gig_order_id, kind, to)
