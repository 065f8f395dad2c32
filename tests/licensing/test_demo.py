from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dukkan.catalog import services as catalog_services
from dukkan.checkout.models import Order
from dukkan.licensing import demo
from dukkan.licensing.models import Activation, Licence, LicencePolicy

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent(make_store: Any, buy: Callable[..., Order]) -> None:
    store = make_store(slug="cedar-apps", default_language="en")
    app = catalog_services.create_product(
        store, title="Notes", kind="software", price_minor=900, visibility="published"
    )
    buy(store, app, email="john@customers.example")
    demo.load({"cedar-apps": store}, {})
    first = (LicencePolicy.objects.count(), Licence.objects.count(), Activation.objects.count())
    demo.load({"cedar-apps": store}, {})
    assert first == (1, 1, 2)
    assert (
        LicencePolicy.objects.count(),
        Licence.objects.count(),
        Activation.objects.count(),
    ) == first
