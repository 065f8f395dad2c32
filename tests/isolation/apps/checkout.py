"""Checkout: B's orders, buyers, refunds and selling settings (with provider secrets) stay B's."""

from __future__ import annotations

from typing import Any

from dukkan.catalog import services as catalog_services
from dukkan.checkout import services
from dukkan.checkout.models import Order, OrderLine, Refund, SellingSettings
from tests.isolation.walker import World

BUYER = "bravo-checkout-buyer-2v8n@bravo-private.example"
BUYER_NAME = "Bravo Buyer Ottoline"
PROVIDER_SECRET = "sk_live_bravo_private_9x7c"


def build(world: World) -> None:
    settings = services.selling_settings(world.b)
    settings.providers = ["test", "manual", "stripe"]
    settings.provider_config = {
        "stripe": {"secret_key": PROVIDER_SECRET, "webhook_secret": "whsec_bravo_private_4k"}
    }
    settings.bank_instructions = {"en": "Bravo private IBAN BR00 1234"}
    settings.save()
    product = catalog_services.create_product(
        world.b, title="Bravo Checkout Guide", price_minor=2500, visibility="published"
    )
    paid = services.start_checkout(world.b, product, email=BUYER, name=BUYER_NAME, provider="test")
    services.mark_paid(
        paid,
        provider="test",
        reference="bravo-ref",
        amount_minor=paid.total_minor,
        currency=paid.currency,
    )
    pending = services.start_checkout(world.b, product, email=BUYER, provider="manual")
    world.extra["checkout_product"] = product
    world.extra["checkout_paid"] = paid
    world.extra["checkout_pending"] = pending


def _forged_order_token(world: World) -> str:
    real: str = world.extra["checkout_pending"].token
    return real[:-6] + ("A" * 6 if not real.endswith("A" * 6) else "B" * 6)


def __getattr__(name: str) -> Any:
    # `Param` is defined in the walker after it imports this module; build on first use.
    if name != "PARAMETERS":
        raise AttributeError(name)
    from tests.isolation.walker import Param

    return {
        "order_number": Param(
            lambda w: str(w.extra["checkout_paid"].number),
            True,
            "B's order in B's dashboard",
        ),
        "order_token": Param(
            _forged_order_token,
            True,
            "an order's page is reached by a secret token only its buyer has; A can only forge one",
        ),
        "payment_provider": Param(
            lambda w: "test", False, "the payment provider of a webhook or a buyer's return"
        ),
        "product_slug": Param(
            lambda w: str(w.extra["checkout_product"].slug),
            False,
            "B's published product: its public pages are for every visitor",
        ),
    }


PUBLIC_ROUTES = {
    "shop:checkout": "the checkout page of a published product is for every visitor",
    "webhooks:receive": "payment providers post here; an unsigned post is refused and logged",
}

FORM_PAYLOAD = {
    "reason": "taken over",
    "amount": "1",
    "vat_percent": "0",
    "pending_expiry_minutes": "60",
    "providers": "test",
    "choice": "success",
}


def private_markers(world: World) -> list[str]:
    return [BUYER, BUYER_NAME, PROVIDER_SECRET, "whsec_bravo_private_4k", "BR00 1234"]


def snapshot(world: World) -> Any:
    """B's existing orders, refunds and settings. A public checkout may add new orders to B
    (anyone may buy), so only the rows that exist before the walk are compared."""
    built = [world.extra["checkout_paid"].pk, world.extra["checkout_pending"].pk]

    def rows(model: Any, **lookup: Any) -> list[tuple[Any, ...]]:
        return [
            tuple(r.values())
            for r in model._default_manager.filter(store=world.b, **lookup).order_by("pk").values()
        ]

    settings = [
        (s.vat_rate_bp, s.prices_include_tax, s.providers, s.provider_config, s.bank_instructions)
        for s in SellingSettings.objects.filter(store=world.b)
    ]
    return (
        rows(Order, pk__in=built),
        rows(OrderLine, order_id__in=built),
        rows(Refund),
        settings,
    )
