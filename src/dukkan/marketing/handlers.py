"""The mailing list's subscriptions: a paid order whose buyer agreed joins the list."""

from __future__ import annotations

from dukkan.checkout.events import OrderPaid
from dukkan.core.events import subscribe
from dukkan.marketing.services import add_buyer


@subscribe(OrderPaid, as_task=True)
def buyer_joins_list(event: OrderPaid) -> None:
    add_buyer(event.order_id)
