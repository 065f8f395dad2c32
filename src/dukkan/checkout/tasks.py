"""Background work of the checkout: delayed test payments and the reconciliation job."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from dukkan.core.periodic import periodic

logger = logging.getLogger(__name__)


@task()
def deliver_test_webhook(order_id: int) -> str:
    """The test provider's "delay": its signed success webhook arrives now, through the same
    verification and processing as any webhook."""
    from dukkan.checkout.models import Order
    from dukkan.checkout.payments.base import Outcome
    from dukkan.checkout.payments.test import SIGNATURE_HEADER, event_body, sign
    from dukkan.checkout.webhooks import receive

    order = Order.objects.select_related("store").filter(pk=order_id).first()
    if order is None:
        return "gone"
    body = event_body(order, Outcome.PAID, event_id=f"evt_delayed_{order.token[:16]}")
    return receive(
        order.store, "test", body, {SIGNATURE_HEADER: sign(order.store.secret, body)}
    ).result


@periodic("*/5 * * * *", name="checkout.reconcile_pending_orders", catch_up=timedelta(minutes=30))
@task()
def reconcile_pending_orders() -> dict[str, int]:
    from dukkan.checkout.reconcile import reconcile

    return reconcile(now=timezone.now())
