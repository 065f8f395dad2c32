"""Promotions' subscriptions: a paid order's coupon use is confirmed (it stays counted)."""

from __future__ import annotations

from dukkan.checkout.events import OrderPaid
from dukkan.core.events import subscribe
from dukkan.promotions import services


@subscribe(OrderPaid)
def confirm_coupon_use(event: OrderPaid) -> None:
    services.confirm_for_order(event.order_id)
