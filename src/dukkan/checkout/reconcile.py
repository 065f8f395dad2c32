"""Orders left pending: ask the provider where it can tell, cancel the abandoned ones."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta

from django.utils import timezone

from dukkan.checkout import services
from dukkan.checkout.models import Order, OrderStatus
from dukkan.checkout.payments import registry
from dukkan.checkout.payments.base import ProviderError
from dukkan.checkout.selectors import selling_settings
from dukkan.checkout.webhooks import record_and_apply

logger = logging.getLogger(__name__)

# An order younger than this is left alone: the buyer may still be on the provider's page.
ASK_AFTER = timedelta(minutes=10)
BATCH = 500


def reconcile(now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    counts: Counter[str] = Counter()
    pending = (
        Order.objects.filter(status=OrderStatus.PENDING, created_at__lte=now - ASK_AFTER)
        .select_related("store")
        .order_by("created_at")[:BATCH]
    )
    for order in pending:
        counts[reconcile_order(order, now)] += 1
    return dict(counts)


def reconcile_order(order: Order, now: datetime) -> str:
    adapter = registry.adapter(order.store, order.provider)
    if adapter is not None:
        try:
            update = adapter.fetch_status(order)
        except ProviderError as error:
            logger.warning(
                "could not ask the provider about a pending order",
                extra={"order_id": order.pk, "provider": order.provider, "error": str(error)},
            )
            update = None
        if update is not None:
            result = record_and_apply(order.store, order.provider, update, order)
            if result not in ("pending", "ignored"):
                return result
    expiry = services.pending_expiry(selling_settings(order.store), order.provider)
    if order.created_at <= now - expiry:
        services.cancel(order, note="expired: not paid in time")
        return "expired"
    return "still_pending"
