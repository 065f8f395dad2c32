from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, TestCase

from dukkan.checkout.models import SellingSettings


@pytest.fixture
def shop(make_store: Callable[..., Any]) -> Any:
    """A Saudi store: SAR, VAT 15% included, the test provider; its programme is open."""
    from dukkan.affiliates import services

    store = make_store(slug="warraq", name="مكتبة الورّاق", currency="SAR", default_language="ar")
    SellingSettings.objects.update_or_create(
        store=store,
        defaults={"vat_rate_bp": 1500, "prices_include_tax": True, "providers": ["test"]},
    )
    services.save_programme(store, programme_input())
    return store


def programme_input(**changes: Any) -> Any:
    from dukkan.affiliates.services import ProgrammeInput

    values: dict[str, Any] = {
        "is_open": True,
        "approval": "automatic",
        "commission_kind": "percent",
        "commission_bp": 2000,
        "commission_fixed_minor": None,
        "customer_discount_bp": 1000,
        "cookie_days": 30,
        "attribution": "last",
        "hold_days": 30,
        "min_payout_minor": 1000,
    }
    values.update(changes)
    return ProgrammeInput(**values)


@pytest.fixture
def product(shop: Any) -> Any:
    from dukkan.catalog.services import create_product

    return create_product(shop, title="ديوان المتنبي", price_minor=11500, visibility="published")


@pytest.fixture
def make_affiliate(shop: Any, make_user: Callable[..., Any]) -> Callable[..., Any]:
    from dukkan.affiliates import services

    def make(email: str, name: str, code: str, store: Any = None) -> Any:
        user = make_user(email, display_name=name)
        return services.join(store or shop, user, name=name, code=code, language="ar")

    return make


@pytest.fixture
def affiliate(make_affiliate: Callable[..., Any]) -> Any:
    return make_affiliate("layla@affiliates.example", "ليلى", "LAYLA")


def committed() -> Any:
    """Run the on-commit callbacks (domain events) of what happens inside, as a commit would."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def buy(client: Client, store: Any, product: Any, **data: Any) -> Any:
    """Check out through the storefront with the test provider and pay; returns the order."""
    from dukkan.checkout.models import Order

    payload = {"email": "noura@customers.example", "name": "نورة", "provider": "test", **data}
    with committed():
        response = client.post(f"/ar/s/{store.slug}/checkout/{product.slug}/", payload)
        assert response.status_code == 302, response.content.decode()[:3000]
        paid = client.post(response["Location"], {"choice": "success"})
        assert paid.status_code == 302
    return Order.objects.filter(store=store).order_by("-pk").first()


def run_queued_tasks() -> int:
    from tests.delivery.conftest import run_queued_tasks as run

    return run()
