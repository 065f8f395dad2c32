"""The demo's promotions load once, in each store's language (on the demo's products)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dukkan.catalog.selectors import price_of
from dukkan.promotions import demo
from dukkan.promotions.models import Coupon, CouponBatch, CrossSell, StoreSale, UpgradePath, Upsell

pytestmark = pytest.mark.django_db


def test_demo_promotions_load_once(make_store: Callable[..., Any], make_product: Any) -> None:
    currencies = {"alwarraq": "SAR", "afzoonesara": "IRR", "cedar-apps": "USD"}
    stores = {
        slug: make_store(slug=slug, currency=currency) for slug, currency in currencies.items()
    }
    titles: dict[str, set[str]] = {}
    for slug, base, extra, _discount in demo.CROSS_SELLS:
        titles.setdefault(slug, set()).update({base, extra})
    for slug, after, offer, *_rest in demo.UPSELLS:
        titles.setdefault(slug, set()).update({t for t in (after, offer) if t})
    for slug, old, new in demo.UPGRADES:
        titles.setdefault(slug, set()).update({old, new})
    for slug, names in titles.items():
        for title in sorted(names):
            make_product(stores[slug], title=title, price_minor=100_000)
    demo.load(stores, {})
    models = (Coupon, CouponBatch, CrossSell, StoreSale, UpgradePath, Upsell)
    counts = [model.objects.count() for model in models]
    demo.load(stores, {})
    assert [model.objects.count() for model in models] == counts
    for slug, code in (
        ("alwarraq", "RAMADAN20"),
        ("afzoonesara", "NOWRUZ1405"),
        ("cedar-apps", "LAUNCH10"),
    ):
        assert Coupon.objects.filter(store__slug=slug, code=code).exists()
        assert CouponBatch.objects.filter(store__slug=slug).exists()
        assert CrossSell.objects.filter(store__slug=slug).exists()
        assert Upsell.objects.filter(store__slug=slug).exists()
    assert UpgradePath.objects.filter(store__slug="cedar-apps").exists()
    plugin = stores["afzoonesara"].catalog_products.get(title="افزونه‌ی تاریخ شمسی ووکامرس")
    price = price_of(plugin)
    assert price.sale_name == "حراج نوروز"
    assert price.amount_minor == 80_000
