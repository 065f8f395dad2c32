"""The contract other apps use: create_coupon, coupon_by_code, start_checkout's new keywords."""

from __future__ import annotations

from typing import Any

import pytest

from dukkan.checkout import services as checkout
from dukkan.promotions.models import Coupon
from dukkan.promotions.selectors import coupon_by_code
from dukkan.promotions.services import create_coupon

pytestmark = pytest.mark.django_db


def test_order_carries_coupon_referral_and_consent(shop: Any, product: Any) -> None:
    create_coupon(shop, code="ramadan20", kind="percent", value=2000)
    assert coupon_by_code(shop.pk, " Ramadan20 ") is not None
    order = checkout.start_checkout(
        shop,
        product,
        email="Noura@Example.com",
        provider="test",
        coupon_code="RAMADAN20",
        referral_code="aff-123.456",
        marketing_consent=True,
    )
    assert (order.subtotal_minor, order.discount_minor, order.total_minor) == (10000, 2000, 8000)
    # VAT 15 % included, on the discounted 80.00: 8000 − 8000/1.15 = 1043.
    assert order.tax_minor == 1043
    assert (order.coupon_code, order.referral_code, order.marketing_consent) == (
        "RAMADAN20",
        "aff-123.456",
        True,
    )
    assert Coupon.objects.get(store=shop).uses == 1
