from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import translation

from dukkan.checkout.models import SellingSettings


@pytest.fixture
def shop(make_store: Callable[..., Any]) -> Any:
    """A Saudi store: SAR, VAT 15% inclusive, the test provider and bank transfer."""
    store = make_store(currency="SAR", default_language="ar", time_zone="Asia/Riyadh")
    SellingSettings.objects.update_or_create(
        store=store,
        defaults={"vat_rate_bp": 1500, "prices_include_tax": True, "providers": ["test", "manual"]},
    )
    return store


@pytest.fixture
def make_product() -> Callable[..., Any]:
    from dukkan.catalog.services import create_product

    def make(store: Any, **fields: Any) -> Any:
        fields.setdefault("title", "كتاب تجريبي")
        fields.setdefault("price_minor", 10000)
        fields.setdefault("visibility", "published")
        return create_product(store, **fields)

    return make


@pytest.fixture
def product(shop: Any, make_product: Callable[..., Any]) -> Any:
    return make_product(shop, title="دورة التصميم", price_minor=10000)


@pytest.fixture(autouse=True)
def _language_reset() -> Iterator[None]:
    """A request to /ar/… leaves Arabic active in this thread; later tests start neutral."""
    yield
    translation.deactivate()
