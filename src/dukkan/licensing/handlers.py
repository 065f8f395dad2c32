"""Licensing's subscriptions: keys when an order is paid, revocation when it is refunded.

Both run in-process right after checkout's transaction commits, so the keys exist by the
time the confirmation page and My purchases load; both are idempotent.
"""

from __future__ import annotations

import logging

from dukkan.checkout.events import OrderPaid, OrderRefunded
from dukkan.checkout.models import Order
from dukkan.core.events import subscribe
from dukkan.licensing import services

logger = logging.getLogger(__name__)


@subscribe(OrderPaid)
def issue_keys(event: OrderPaid) -> None:
    order = (
        Order.objects.filter(pk=event.order_id, store_id=event.store_id)
        .select_related("store")
        .first()
    )
    if order is None:
        return
    made = services.issue_for_order(order)
    if made:
        logger.info("licence keys issued", extra={"order_id": order.pk, "count": len(made)})


@subscribe(OrderRefunded)
def revoke_keys(event: OrderRefunded) -> None:
    order = (
        Order.objects.filter(pk=event.order_id, store_id=event.store_id)
        .select_related("store")
        .first()
    )
    if order is None:
        return
    revoked = services.revoke_for_refund(order, full=event.full)
    logger.info(
        "licence keys revoked after refund", extra={"order_id": order.pk, "revoked": revoked}
    )
