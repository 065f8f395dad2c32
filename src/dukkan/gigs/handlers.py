"""The gigs app's subscriptions: a paid checkout order of a service becomes a gig order.

Handled in-process right after the payment commits (like delivery), so the buyer's
requirements form is there when the confirmation page loads; idempotent on the order.
"""

from __future__ import annotations

from dukkan.checkout.events import OrderPaid
from dukkan.core.events import subscribe
from dukkan.gigs import services


@subscribe(OrderPaid)
def create_gig_order(event: OrderPaid) -> None:
    services.create_from_paid_order(event.order_id)
