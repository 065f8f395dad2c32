"""Delivery: B's buyers, their download links, My purchases and receipts stay B's."""

from __future__ import annotations

import time
from typing import Any

from django.core.files.base import ContentFile

from dukkan.catalog import services as catalog_services
from dukkan.checkout import services as checkout_services
from dukkan.delivery.models import DownloadLog, Entitlement
from dukkan.delivery.services import create_entitlements
from dukkan.delivery.tokens import make_download_token, make_purchases_token
from tests.isolation.walker import World

BUYER = "bravo-buyer-6h2p@bravo-private.example"


def build(world: World) -> None:
    product = catalog_services.create_product(
        world.b, title="Bravo Book", price_minor=1000, visibility="published"
    )
    catalog_services.add_file(product, ContentFile(b"bravo file", name="bravo.zip"))
    order = checkout_services.start_checkout(world.b, product, email=BUYER, provider="test")
    order = checkout_services.mark_paid(
        order,
        provider="test",
        reference="bravo-pay",
        amount_minor=order.total_minor,
        currency=order.currency,
    )
    (entitlement,) = create_entitlements(order)
    world.extra["delivery_order"] = order
    world.extra["delivery_entitlement"] = entitlement


def _forged_download_token(world: World) -> str:
    # A link to B's file signed with A's key: A can make these, they must open nothing.
    entitlement: Entitlement = world.extra["delivery_entitlement"]
    return make_download_token(world.a, entitlement.pk, None, int(time.time()) + 3600)


def _forged_purchases_token(world: World) -> str:
    real = make_purchases_token(world.b, BUYER)
    return real[:-6] + ("A" * 6 if not real.endswith("A" * 6) else "B" * 6)


def __getattr__(name: str) -> Any:
    # `Param` is defined in the walker after it imports this module; build on first use.
    if name != "PARAMETERS":
        raise AttributeError(name)
    from tests.isolation.walker import Param

    return {
        "download_token": Param(
            _forged_download_token,
            True,
            "a signed download link; A can only sign one for B's file with its own key",
        ),
        "purchases_token": Param(
            _forged_purchases_token,
            True,
            "a My purchases sign-in link is a secret mailed to B's buyer; A can only forge one",
        ),
        "receipt_number": Param(
            lambda w: str(w.extra["delivery_order"].number),
            True,
            "B's order's receipt: only for the buyer's own signed-in session",
        ),
    }


PUBLIC_ROUTES = {
    "purchases:home": "the My purchases email form is for every visitor",
    "purchases:request_link": "asking for a link answers the same for any address",
    "purchases:sign_out": "forgets the visitor's own purchases session",
}


def private_markers(world: World) -> list[str]:
    return [BUYER]


def snapshot(world: World) -> Any:
    return (
        list(Entitlement.objects.filter(store=world.b).order_by("pk").values_list()),
        DownloadLog.objects.filter(store=world.b).count(),
    )
