"""200 buyers at once for a launch edition of 50 copies: exactly 50 orders get one.

Real concurrency needs a database with row locks: on PostgreSQL, 40 threads (each with its
own connection, started together by a barrier) run 200 checkouts.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, connections

from dukkan.checkout import services
from dukkan.checkout.models import Order

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 40
BUYERS = 200
COPIES = 50


def test_exactly_fifty_of_two_hundred(shop: Any, make_product: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks (run with DATABASE_URL=postgres://…)")
    product = make_product(shop, title="طبعة الإطلاق", quantity_limit=COPIES, price_minor=9900)
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
                    )
                    result = "sold"
                except services.SoldOut as error:
                    result = "sold_out" if "sold out" in error.messages[0].lower() else "?"
                with lock:
                    outcomes.append(result)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(buyer, range(THREADS)))

    assert len(outcomes) == BUYERS
    assert outcomes.count("sold") == COPIES
    assert outcomes.count("sold_out") == BUYERS - COPIES
    product.refresh_from_db()
    assert product.quantity_sold == COPIES
    orders = Order.objects.filter(store=shop)
    assert orders.count() == COPIES
    assert len(set(orders.values_list("number", flat=True))) == COPIES
