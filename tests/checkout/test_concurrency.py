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
        pytest.skip(
            "SQLite lets one writer in at a time, so no race can happen there; runs in CI's PostgreSQL pass"
        )
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


def test_one_webhook_delivered_by_20_connections_at_once_fulfils_once(
    shop: Any, product: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite lets one writer in at a time, so no race can happen there; runs in CI's PostgreSQL pass"
        )
    from dukkan.checkout.events import OrderFulfilled
    from dukkan.checkout.models import OrderEvent, WebhookEvent
    from dukkan.checkout.payments.base import Outcome
    from dukkan.checkout.payments.test import SIGNATURE_HEADER, event_body, sign
    from dukkan.checkout.webhooks import receive
    from dukkan.core.events import subscribe

    fulfilled: list[int] = []
    subscribe(OrderFulfilled)(fulfilled.append)
    order = services.start_checkout(shop, product, email="n@example.com", provider="test")
    body = event_body(order, Outcome.PAID, event_id="evt_at_once")
    headers = {SIGNATURE_HEADER: sign(shop.secret, body)}
    senders = 20
    barrier = threading.Barrier(senders)

    def deliver(_: int) -> str:
        try:
            barrier.wait(timeout=60)
            return receive(shop, "test", body, headers).result
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=senders) as pool:
        results = list(pool.map(deliver, range(senders)))
    assert results.count("paid") == 1
    assert results.count("duplicate") == senders - 1
    order.refresh_from_db()
    assert order.status == "fulfilled"
    assert OrderEvent.objects.filter(order=order, to_status="paid").count() == 1
    assert WebhookEvent.objects.filter(store=shop, event_id="evt_at_once").count() == 1
    assert len([e for e in fulfilled if e.order_id == order.pk]) == 1
