"""50 machines activate one key limited to 3 at the same moment: exactly 3 get a seat.

Real concurrency needs row locks: on PostgreSQL, 50 threads (each with its own connection,
released together by a barrier) call the activation service.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, connections

from dukkan.checkout.models import Order
from dukkan.licensing import dukkan_verify as fmt
from dukkan.licensing import selectors, services
from dukkan.licensing.models import Activation, Licence

pytestmark = pytest.mark.django_db(transaction=True)
MACHINES = 50


def test_fifty_machines_three_seats(
    shop: Any, app_product: Any, policy: Any, buy: Callable[..., Order]
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite lets one writer in at a time, so no race can happen there; runs in CI's PostgreSQL pass"
        )
    order = buy(shop, app_product)
    licence = Licence.objects.get(order=order)
    key = selectors.keys_for_order(order.pk)[0].key
    barrier = threading.Barrier(MACHINES)

    def machine(n: int) -> str:
        try:
            barrier.wait(timeout=60)
            services.activate(
                store_id=shop.pk,
                product_id=licence.product_id,
                key=key,
                fingerprint_tag=fmt.fingerprint_tag(f"machine-{n}"),
            )
            return "activated"
        except services.LicensingError as error:
            return error.code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(MACHINES) as pool:
        outcomes = Counter(pool.map(machine, range(MACHINES)))
    assert outcomes == {"activated": 3, "activation_limit_reached": MACHINES - 3}
    assert Activation.objects.filter(licence=licence, released_at__isnull=True).count() == 3
