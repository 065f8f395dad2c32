"""Licensing's demo: policies for the Persian store's WordPress plugins (per site) and the
English store's apps (per machine), keys for the paid demo orders, a couple of machines.

Idempotent: policies are created once, keys are issued once per order line and copy, and
activating a machine that is already active changes nothing.
"""

from __future__ import annotations

from dukkan.accounts.models import User
from dukkan.catalog.models import Product, ProductKind
from dukkan.checkout.models import Order
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.licensing import dukkan_verify as fmt
from dukkan.licensing import services
from dukkan.licensing.models import Licence, LicencePolicy

POLICIES = {
    # WordPress plugins: one key per site, a year of updates, sites may move.
    "afzoonesara": {
        "kinds": (ProductKind.FILE, ProductKind.SOFTWARE),
        "values": {
            "max_activations": 1,
            "duration": "updates",
            "duration_days": 365,
            "binding": "node_locked",
            "entitlements": ["updates", "support"],
        },
    },
    # Desktop apps: three machines, perpetual, checked weekly.
    "cedar-apps": {
        "kinds": (ProductKind.SOFTWARE,),
        "values": {
            "max_activations": 3,
            "duration": "perpetual",
            "binding": "node_locked",
            "entitlements": ["pro"],
        },
    },
}

MACHINES = {
    "afzoonesara": [("https://sara-shop.example", "sara-shop.example")],
    "cedar-apps": [("john-laptop-7f3a", "John's laptop"), ("john-desktop-19c2", "Office desktop")],
}


def load(stores: dict[str, Store], people: dict[str, User]) -> None:
    for slug, spec in POLICIES.items():
        store = stores.get(slug)
        if store is None:
            continue
        products = scoped(Product, store).filter(kind__in=spec["kinds"])
        for product in products:
            if not LicencePolicy.objects.filter(product=product).exists():
                services.save_policy(store, product, **dict(spec["values"]))  # type: ignore[arg-type]
        for order in scoped(Order, store).select_related("store"):
            services.issue_for_order(order)
        first = scoped(Licence, store).filter(status="active").order_by("pk").first()
        if first is None:
            continue
        key = services.reveal_key(first)
        for fingerprint, name in MACHINES.get(slug, [])[: first.max_activations]:
            services.activate(
                store_id=store.pk,
                product_id=first.product_id,
                key=key,
                fingerprint_tag=fmt.fingerprint_tag(fingerprint),
                name=name,
                ip="203.0.113.10",
                label="demo",
            )


BANNER = [
    "Licence keys: dashboard → Licences (afzoonesara, cedar-apps); buyers see theirs in My purchases.",
    "  Licence API: /api/v1/licenses/validate with the product key from a policy page; formats in docs/licensing.md.",
]
