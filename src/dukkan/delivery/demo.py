"""Delivery's demo data: settings per store, and delivery of the demo orders that are paid.

Checkout's demo pays its orders inside the demo's transaction, so their `OrderPaid` events
arrive after commit; delivering them here first makes the demo the same however the events
are timed (the event then finds the work done and does nothing). Idempotent.

The banner carries fresh sign-in links to My purchases for the demo customers.
"""

from __future__ import annotations

from typing import Any

from dukkan.accounts.models import User
from dukkan.checkout.models import Order, OrderStatus
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.delivery.handlers import fulfil
from dukkan.delivery.models import DeliverySettings

SETTINGS = {
    # An e-book shop: a day to download, five times.
    "alwarraq": {"link_hours": 24, "download_limit": 5, "magic_link_hours": 24},
    # Plugins are re-installed often: more downloads.
    "afzoonesara": {"link_hours": 48, "download_limit": 10, "magic_link_hours": 72},
    "cedar-apps": {"link_hours": 24, "download_limit": 5, "magic_link_hours": 24},
}

CUSTOMERS = (
    ("alwarraq", "ar", "noura@customers.example"),
    ("afzoonesara", "fa", "sara@customers.example"),
    ("cedar-apps", "en", "john@customers.example"),
)


def load(stores: dict[str, Store], people: dict[str, User]) -> None:
    for slug, values in SETTINGS.items():
        store = stores.get(slug)
        if store is None:
            continue
        DeliverySettings.objects.get_or_create(store=store, defaults=values)
        paid = scoped(Order, store).filter(status=OrderStatus.PAID, entitlements__isnull=True)
        for order in paid:
            fulfil(order)


def _banner() -> list[str]:
    from dukkan.delivery.services import purchases_link

    lines = []
    for slug, language, email in CUSTOMERS:
        store = Store.objects.filter(slug=slug).first()
        if store is None or not Order.objects.filter(store=store, email=email).exists():
            continue
        link = purchases_link(store, email, language, base_url="{base_url}")
        lines.append(f"  {email:<26} {link}")
    if not lines:
        return []
    return ["My purchases of the demo customers (sign-in links, valid for a day or more):", *lines]


def __getattr__(name: str) -> Any:
    # Fresh signed links each time the banner is shown.
    if name == "BANNER":
        return _banner()
    raise AttributeError(name)
