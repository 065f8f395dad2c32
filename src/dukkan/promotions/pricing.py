"""Store-wide sales as catalog pricing sees them: a cached, per-store list of sale windows.

`catalog.selectors.price_of` asks `store_sale_for` on every price it shows, so the list is
kept in the cache (shared through Redis when scaled out) and dropped whenever a sale is
saved; windows that start later are in it already, so a sale starts on time without a write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

CACHE_SECONDS = 300


@dataclass(frozen=True)
class SaleWindow:
    sale_id: int
    name: str
    percent_bp: int
    starts_at: datetime
    ends_at: datetime
    excluded: frozenset[int]

    def price(self, regular_minor: int) -> int:
        off = (2 * regular_minor * self.percent_bp + 10_000) // 20_000
        return max(regular_minor - off, 0)


def _key(store_id: int) -> str:
    return f"promotions:sales:{store_id}"


def store_sales(store_id: int) -> list[SaleWindow]:
    """The store's active sales that have not ended, from the cache when it has them."""
    key = _key(store_id)
    windows: list[SaleWindow] | None = cache.get(key)
    if windows is not None:
        return windows
    from dukkan.promotions.models import StoreSale

    windows = [
        SaleWindow(
            sale_id=sale.pk,
            name=sale.name,
            percent_bp=sale.percent_bp,
            starts_at=sale.starts_at,
            ends_at=sale.ends_at,
            excluded=frozenset(p.pk for p in sale.excluded_products.all()),
        )
        for sale in StoreSale.objects.filter(
            store_id=store_id, is_active=True, ends_at__gt=timezone.now()
        ).prefetch_related("excluded_products")
    ]
    cache.set(key, windows, CACHE_SECONDS)
    return windows


def store_sale_for(
    store_id: int, product_id: int, now: datetime | None = None
) -> SaleWindow | None:
    """The biggest store-wide sale running now that covers the product, if any."""
    now = now or timezone.now()
    running = [
        window
        for window in store_sales(store_id)
        if window.starts_at <= now < window.ends_at and product_id not in window.excluded
    ]
    return max(running, key=lambda window: window.percent_bp, default=None)


def sales_changed(store_id: int) -> None:
    """A sale was saved or removed: drop the cached list and the cached store pages."""
    from dukkan.core import pagecache

    cache.delete(_key(store_id))

    def after_commit() -> None:
        cache.delete(_key(store_id))
        pagecache.bump_stores_version()

    transaction.on_commit(after_commit)
