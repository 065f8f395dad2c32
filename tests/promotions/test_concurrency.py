"""200 buyers race for a coupon with 50 uses: exactly 50 orders get the discount.

Real concurrency needs a database with row locks: on PostgreSQL, 40 threads (each with its
own connection, started together by a barrier) run 200 checkouts with the same code.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, connections

from dukkan.checkout import services
from dukkan.checkout.models import Order
from dukkan.promotions.models import Coupon, Redemption
from dukkan.promotions.services import CouponError, create_coupon

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 40
BUYERS = 200
USES = 50


def test_exactly_fifty_discounts_for_two_hundred_buyers(shop: Any, product: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite lets one writer in at a time, so no race can happen there; runs in CI's PostgreSQL pass"
        )
    coupon = create_coupon(shop, code="FIFTY", kind="percent", value=5000, max_uses=USES)
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def buyer(worker: int) -> None:
        try:
            barrier.wait(timeout=60)
            for n in range(BUYERS // THREADS):
                try:
                    services.start_checkout(
                        shop,
                        product,
                        email=f"buyer-{worker}-{n}@example.com",
                        language="ar",
                        provider="test",
                        coupon_code="fifty",
                    )
                    result = "discounted"
                except CouponError as error:
                    result = "used_up" if error.code == "used_up" else f"? {error.code}"
                with lock:
                    outcomes.append(result)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(buyer, range(THREADS)))

    assert len(outcomes) == BUYERS
    assert outcomes.count("discounted") == USES
    assert outcomes.count("used_up") == BUYERS - USES
    coupon.refresh_from_db()
    assert coupon.uses == USES
    orders = Order.objects.filter(store=shop)
    assert orders.count() == USES
    assert set(orders.values_list("discount_minor", flat=True)) == {5000}
    assert Redemption.objects.filter(coupon=coupon).count() == USES
    assert Coupon.objects.get(pk=coupon.pk).uses == USES
