"""Affiliates' subscriptions to checkout: credit on payment, reverse on refund.

Both run in-process right after the checkout's transaction commits (like delivery), so the
affiliate sees the sale on their dashboard at once; both are idempotent.
"""

from __future__ import annotations

from dukkan.affiliates import services
from dukkan.checkout.events import OrderPaid, OrderRefunded
from dukkan.checkout.models import Order
from dukkan.core.events import subscribe


@subscribe(OrderPaid)
def credit_affiliate(event: OrderPaid) -> None:
    order = (
        Order.objects.filter(pk=event.order_id, store_id=event.store_id)
        .select_related("contact")
        .first()
    )
    if order is not None:
        services.attribute_order(order)


@subscribe(OrderRefunded)
def reverse_commission(event: OrderRefunded) -> None:
    order = Order.objects.filter(pk=event.order_id, store_id=event.store_id).first()
    if order is not None:
        services.reverse_for_refund(order, amount_minor=event.amount_minor, full=event.full)
