from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dukkan.catalog import services as catalog_services
from dukkan.catalog.models import Product
from dukkan.checkout import services as checkout_services
from dukkan.checkout.models import Order
from dukkan.licensing import services
from dukkan.licensing.models import LicencePolicy


@pytest.fixture
def shop(make_store: Callable[..., Any]) -> Any:
    return make_store(
        slug="narm-afzar", name="نرم‌افزار پارسی", currency="IRR", default_language="fa"
    )


@pytest.fixture
def app_product(shop: Any) -> Product:
    return catalog_services.create_product(
        shop, title="ویرایشگر متن", kind="software", price_minor=990000, visibility="published"
    )


@pytest.fixture
def policy(shop: Any, app_product: Product) -> LicencePolicy:
    return services.save_policy(
        shop, app_product, max_activations=3, entitlements=["pro", "updates"]
    )


@pytest.fixture
def buy(django_capture_on_commit_callbacks: Callable[..., Any]) -> Callable[..., Order]:
    """A paid order through checkout's services; the event handlers run after commit."""

    def purchase(
        store: Any, product: Product, email: str = "sara@customers.example", quantity: int = 1
    ) -> Order:
        with django_capture_on_commit_callbacks(execute=True):
            order = checkout_services.start_checkout(
                store, product, email=email, language="fa", provider="test", quantity=quantity
            )
        with django_capture_on_commit_callbacks(execute=True):
            checkout_services.mark_paid(
                order,
                provider="test",
                reference=f"test-{order.pk}",
                amount_minor=order.total_minor,
                currency=order.currency,
            )
        order.refresh_from_db()
        return order

    return purchase
