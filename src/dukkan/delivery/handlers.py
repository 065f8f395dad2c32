"""Delivery's subscriptions: entitlements and the receipt after payment, revocation after refunds.

`OrderPaid` is handled in-process right after the payment commits, so the buyer's downloads
exist by the time the confirmation page loads (no worker needed: instant delivery); the
receipt email is queued as a background task in the same transaction. Both handlers are
idempotent: a second `OrderPaid` creates nothing and sends no second receipt.
"""

from __future__ import annotations

import logging

from django.db import transaction

from dukkan.checkout.events import OrderPaid, OrderRefunded
from dukkan.checkout.models import Order
from dukkan.core.events import subscribe
from dukkan.delivery import services
from dukkan.delivery.tasks import send_receipt

logger = logging.getLogger(__name__)


def fulfil(order: Order) -> bool:
    """Entitlements, receipt and fulfilment for a paid order; False when it was done before."""
    from dukkan.checkout import services as checkout_services

    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("store").get(pk=order.pk)
        if not order.is_paid:
            return False
        already = order.entitlements.exists() or order.fulfilled_at is not None
        made = services.create_entitlements(order)
        if already:
            return bool(made)  # files added since, or a repair: no second receipt
        send_receipt.enqueue(order.pk)
        checkout_services.mark_fulfilled(order)
    return True


@subscribe(OrderPaid)
def deliver_paid_order(event: OrderPaid) -> None:
    order = Order.objects.filter(pk=event.order_id, store_id=event.store_id).first()
    if order is None:
        logger.warning("paid order not found", extra={"order_id": event.order_id})
        return
    fulfil(order)


@subscribe(OrderRefunded)
def revoke_refunded(event: OrderRefunded) -> None:
    order = (
        Order.objects.filter(pk=event.order_id, store_id=event.store_id)
        .select_related("store")
        .first()
    )
    if order is None:
        return
    revoked = services.revoke_for_refund(order, full=event.full)
    logger.info(
        "downloads revoked after refund",
        extra={"order_id": order.pk, "revoked": revoked, "full": event.full},
    )
