"""Affiliates: B's programme, affiliates, commissions and payouts stay B's.

The sign-up page and the affiliate's own dashboard are public on purpose: any signed-in person
may join B's programme, and the dashboard shows only the visitor's own affiliate account (A's
owner, who is none of B's affiliates, is sent to the sign-up page).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from dukkan.accounts.models import User
from dukkan.affiliates import services
from dukkan.affiliates.models import Affiliate, Commission, Payout, ProductCommission, Programme
from dukkan.catalog import services as catalog_services
from dukkan.checkout import services as checkout_services
from tests.isolation.walker import World

AFFILIATE_EMAIL = "bravo-affiliate-5t8n@bravo-private.example"
PAYOUT_DETAILS = "IBAN-BRAVO-PRIVATE-4471"


def build(world: World) -> None:
    store = world.b
    services.save_programme(
        store,
        services.ProgrammeInput(
            is_open=True,
            approval="automatic",
            commission_kind="percent",
            commission_bp=2500,
            commission_fixed_minor=None,
            customer_discount_bp=1000,
            cookie_days=30,
            attribution="last",
            hold_days=30,
            min_payout_minor=0,
        ),
    )
    user = User.objects.create_user(email=AFFILIATE_EMAIL, password=None)
    affiliate = services.join(
        store,
        user,
        name="Bravo Affiliate Quillon",
        code="BRAVOAFF",
        payout_method="bank",
        payout_details=PAYOUT_DETAILS,
    )
    product = catalog_services.create_product(
        store, title="Bravo Course", price_minor=2000, visibility="published"
    )
    override = services.set_product_commission(
        store, product, kind="percent", bp=3000, fixed_minor=None
    )
    order = checkout_services.start_checkout(
        store,
        product,
        email="bravo-aff-buyer@bravo-private.example",
        provider="test",
        coupon_code="BRAVOAFF",
    )
    order = checkout_services.mark_paid(
        order,
        provider="test",
        reference="bravo-aff",
        amount_minor=order.total_minor,
        currency=order.currency,
    )
    services.attribute_order(order)
    services.release_held(timezone.now() + timedelta(days=31))
    batch = services.pay_batch(store, [affiliate], method="bank", reference="BRAVO-REF-9921")
    world.extra["aff_affiliate"] = affiliate
    world.extra["aff_override"] = override
    world.extra["aff_batch"] = batch


def __getattr__(name: str) -> Any:
    if name != "PARAMETERS":
        raise AttributeError(name)
    from tests.isolation.walker import Param

    return {
        "affiliate_id": Param(
            lambda w: str(w.extra["aff_affiliate"].pk), True, "B's affiliate (approve, suspend)"
        ),
        "override_id": Param(
            lambda w: str(w.extra["aff_override"].pk), True, "B's per-product commission"
        ),
        "batch_id": Param(lambda w: str(w.extra["aff_batch"].pk), True, "B's payout batch CSV"),
    }


PUBLIC_ROUTES = {
    "affiliates_storefront:join": "the programme's sign-up page is for every visitor",
    "affiliates_storefront:dashboard": "shows only the signed-in person's own affiliate account",
}

# The sign-up form without its consent box: the walk must not make A an affiliate of B.
FORM_PAYLOAD: dict[str, str] = {}


def private_markers(world: World) -> list[str]:
    return [AFFILIATE_EMAIL, PAYOUT_DETAILS, "Bravo Affiliate Quillon", "BRAVO-REF-9921"]


def snapshot(world: World) -> Any:
    def rows(model: Any) -> list[Any]:
        return list(model.objects.filter(store=world.b).order_by("pk").values_list())

    return (
        rows(Programme),
        rows(Affiliate),
        rows(ProductCommission),
        rows(Commission),
        rows(Payout),
    )
