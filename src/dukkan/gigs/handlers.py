"""The gigs app's subscriptions: a paid checkout order of a service becomes a gig order, and
a refund made in checkout is booked on the gig ledger.

Handled in-process right after the payment (or refund) commits, like delivery, so the
buyer's requirements form is there when the confirmation page loads; both are idempotent.
"""

from __future__ import annotations

from dukkan.checkout.events import OrderPaid, OrderRefunded
from dukkan.core.events import subscribe
from dukkan.gigs import services


@subscribe(OrderPaid)
def create_gig_order(event: OrderPaid) -> None:
    services.create_from_paid_order(event.order_id)


@subscribe(OrderRefunded)
def book_refund(event: OrderRefunded) -> None:
    """A refund made in checkout (the store's orders page) reaches the gig ledger; gigs' own
    refunds are already booked and the handler books nothing for them."""
    services.book_checkout_refund(event.order_id)
