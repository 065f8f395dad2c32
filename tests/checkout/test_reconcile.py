"""The periodic job for orders left pending: ask the provider, expire the abandoned."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from dukkan.checkout import services
from dukkan.checkout.models import Order, OrderStatus, Payment, SellingSettings
from dukkan.checkout.reconcile import reconcile
from dukkan.core.periodic import jobs

pytestmark = pytest.mark.django_db(transaction=True)


def _age(order: Order, minutes: int) -> None:
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))


def test_the_job_is_registered() -> None:
    job = jobs()["checkout.reconcile_pending_orders"]
    assert job.schedule == "*/5 * * * *"


def test_a_delayed_test_payment_is_completed_by_asking(shop: Any, product: Any) -> None:
    order = services.start_checkout(shop, product, email="a@example.com", provider="test")
    services.record_payment_attempt(order, provider="test", reference="test_abc")
    Payment.objects.filter(order=order).update(
        raw={"choice": "delay", "complete_at": time.time() - 1}
    )
    _age(order, 15)
    assert reconcile() == {"paid": 1}
    order.refresh_from_db()
    assert order.status == OrderStatus.FULFILLED
    assert reconcile() == {}  # nothing pending any more


def test_abandoned_orders_expire_and_give_copies_back(shop: Any, make_product: Any) -> None:
    limited = make_product(shop, title="محدود", quantity_limit=3)
    young = services.start_checkout(shop, limited, email="a@example.com", provider="test")
    old = services.start_checkout(shop, limited, email="b@example.com", provider="test")
    transfer = services.start_checkout(shop, limited, email="c@example.com", provider="manual")
    _age(young, 20)
    _age(old, 61)
    _age(transfer, 24 * 60)  # a day: a bank transfer may still come
    assert reconcile() == {"still_pending": 2, "expired": 1}
    for order in (young, old, transfer):
        order.refresh_from_db()
    assert (young.status, old.status, transfer.status) == ("pending", "cancelled", "pending")
    limited.refresh_from_db()
    assert limited.quantity_sold == 2
    _age(transfer, 8 * 24 * 60)
    assert reconcile() == {"still_pending": 1, "expired": 1}


def test_an_unreachable_provider_leaves_the_order_for_later(shop: Any, product: Any) -> None:
    from tests.processes import free_port

    settings = SellingSettings.objects.get(store=shop)
    settings.providers = ["test", "moyasar"]
    settings.provider_config = {
        "moyasar": {
            "secret_key": "sk",
            "webhook_secret": "t",
            "api_base": f"http://127.0.0.1:{free_port(range(18600, 18700))}",
        }
    }
    settings.save()
    order = services.start_checkout(shop, product, email="a@example.com", provider="moyasar")
    services.record_payment_attempt(order, provider="moyasar", reference="inv_1")
    _age(order, 30)
    assert reconcile() == {"still_pending": 1}
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
