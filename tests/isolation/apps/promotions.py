"""Promotions: B's coupons, code batches, sales and offers stay B's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from dukkan.catalog import services as catalog_services
from dukkan.promotions import services
from dukkan.promotions.models import Coupon, CouponBatch, CrossSell, StoreSale, UpgradePath, Upsell
from tests.isolation.walker import World

SECRET_CODE = "BRAVOPRIVATE77"
BATCH_LABEL = "Bravo private launch list"


def build(world: World) -> None:
    first = catalog_services.create_product(
        world.b, title="Bravo Promo Base", price_minor=3000, visibility="published"
    )
    second = catalog_services.create_product(
        world.b, title="Bravo Promo Extra", price_minor=5000, visibility="published"
    )
    world.extra["promo_coupon"] = services.create_coupon(
        world.b, code=SECRET_CODE, kind="percent", value=1500, max_uses=10
    )
    world.extra["promo_batch"] = services.generate_batch(
        world.b, count=3, prefix="BRV", label=BATCH_LABEL, kind="percent", value=1000
    )
    now = timezone.now()
    world.extra["promo_sale"] = services.save_sale(
        world.b,
        name="Bravo Sale",
        percent_bp=1000,
        starts_at=now + timedelta(days=30),
        ends_at=now + timedelta(days=31),
    )
    world.extra["promo_cross"] = services.add_cross_sell(
        world.b, product_id=first.pk, offer_id=second.pk, discount_bp=1000
    )
    world.extra["promo_upsell"] = services.add_upsell(
        world.b, product_id=first.pk, offer_id=second.pk, discount_bp=2000
    )
    world.extra["promo_upgrade"] = services.add_upgrade(
        world.b, from_product_id=first.pk, to_product_id=second.pk
    )


def __getattr__(name: str) -> Any:
    # `Param` is defined in the walker after it imports this module; build on first use.
    if name != "PARAMETERS":
        raise AttributeError(name)
    from tests.isolation.walker import Param

    return {
        "coupon_id": Param(lambda w: w.extra["promo_coupon"].pk, True, "B's coupon"),
        "coupon_batch_id": Param(lambda w: w.extra["promo_batch"].pk, True, "B's code batch"),
        "store_sale_id": Param(lambda w: w.extra["promo_sale"].pk, True, "B's store-wide sale"),
        "cross_sell_id": Param(lambda w: w.extra["promo_cross"].pk, True, "B's cross-sell"),
        "upsell_id": Param(lambda w: w.extra["promo_upsell"].pk, True, "B's upsell"),
        "upgrade_id": Param(lambda w: w.extra["promo_upgrade"].pk, True, "B's upgrade path"),
    }


PUBLIC_ROUTES = {
    "promotions_storefront:upgrade": (
        "an upgrade page names two public products; buying needs the owner's My purchases session"
    ),
}

FORM_PAYLOAD = {
    "form": "cross",
    "count": "5",
}


def private_markers(world: World) -> list[str]:
    return [
        SECRET_CODE,
        BATCH_LABEL,
        *Coupon.objects.filter(batch=world.extra["promo_batch"]).values_list("code", flat=True),
    ]


def snapshot(world: World) -> Any:
    def rows(model: Any) -> list[tuple[Any, ...]]:
        return [
            tuple(r.values())
            for r in model._default_manager.filter(store=world.b).order_by("pk").values()
        ]

    return (
        rows(Coupon),
        rows(CouponBatch),
        rows(StoreSale),
        rows(CrossSell),
        rows(Upsell),
        rows(UpgradePath),
    )
