"""The seller's pages and the customer's My purchases with keys, through the test client."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from dukkan.checkout.models import Order
from dukkan.delivery.views import SESSION_KEY
from dukkan.licensing import dukkan_verify as fmt
from dukkan.licensing import selectors
from dukkan.licensing.models import Activation, Licence, LicenceEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(make_user: Any, make_store: Any) -> tuple[Client, Any]:
    owner = make_user()
    store = make_store(owner=owner, slug="cedar-lic", default_language="en")
    client = Client()
    assert client.login(email=owner.email, password=PASSWORD)
    return client, store


def test_dashboard_policy_list_detail_and_actions(
    owner_client: tuple[Client, Any], buy: Callable[..., Order]
) -> None:
    from dukkan.catalog import services as catalog_services

    client, store = owner_client
    product = catalog_services.create_product(
        store, title="Cedar App", kind="software", price_minor=1000, visibility="published"
    )
    base = f"/en/dashboard/{store.slug}/licenses"
    bad = client.post(
        f"{base}/products/{product.pk}/",
        {
            "max_activations": "0",
            "duration": "term",
            "binding": "node_locked",
            "refresh_hours": "1",
            "grace_hours": "1",
            "flag_fingerprints": "5",
            "flag_networks": "5",
        },
    )
    assert bad.status_code == 400
    assert not Licence.objects.exists()
    answer = client.post(
        f"{base}/products/{product.pk}/",
        {
            "enabled": "on",
            "max_activations": "2",
            "duration": "perpetual",
            "binding": "node_locked",
            "refresh_hours": "24",
            "grace_hours": "48",
            "deactivation_frees_seat": "on",
            "flag_fingerprints": "5",
            "flag_networks": "5",
            "entitlements_text": "pro, updates",
        },
    )
    assert answer.status_code == 302, answer.content[:500]
    order = buy(store, product, email="lina@customers.example")
    licence = Licence.objects.get(order=order)
    page = client.get(f"{base}/")
    assert page.status_code == 200
    assert licence.key_hint in page.content.decode()
    detail = client.get(f"{base}/{licence.pk}/")
    key = selectors.keys_for_order(order.pk)[0].key
    assert key in detail.content.decode()
    assert (
        client.post(
            f"{base}/{licence.pk}/", {"action": "suspend", "note": "fraud check"}
        ).status_code
        == 302
    )
    assert client.post(f"{base}/{licence.pk}/", {"action": "suspend"}).status_code == 400
    assert list(LicenceEvent.objects.filter(licence=licence).values_list("action", flat=True)) == [
        "issued",
        "suspend",
    ]
    client.post(f"{base}/{licence.pk}/", {"action": "reinstate"})
    answer = client.post(f"{base}/offline/", {"request_code": fmt.request_code(key, "desk")})
    assert answer.status_code == 200
    assert "activation" in answer.content.decode().lower()
    assert Activation.objects.filter(licence=licence, kind="offline").count() == 1
    assert client.post(f"{base}/offline/", {"request_code": "NOT-A-CODE"}).status_code == 400


def test_my_purchases_shows_keys_and_customer_releases(
    shop: Any, app_product: Any, policy: Any, buy: Callable[..., Order]
) -> None:
    order = buy(shop, app_product, email="sara@customers.example")
    key = selectors.keys_for_order(order.pk)[0].key
    client = Client()
    session = client.session
    session[SESSION_KEY] = {str(shop.pk): {"email": order.email, "until": int(time.time()) + 3600}}
    session.save()
    page = client.get(f"/fa/s/{shop.slug}/purchases/")
    assert key in page.content.decode()
    answer = client.post(
        f"/fa/s/{shop.slug}/licenses/offline/", {"request_code": fmt.request_code(key, "laptop")}
    )
    assert answer.status_code == 200
    activation = Activation.objects.get(licence__order=order)
    bad = client.post(
        f"/fa/s/{shop.slug}/licenses/offline/",
        {"request_code": fmt.request_code(key, "laptop")[:-2]},
    )
    assert bad.status_code == 400
    client.post(f"/fa/s/{shop.slug}/licenses/activations/{activation.pk}/release/")
    activation.refresh_from_db()
    assert activation.released_by == "customer"
    # Someone without the purchases session releases nothing.
    other = Activation.objects.create(
        store=shop, licence=activation.licence, fingerprint="X" * 16, kind="online"
    )
    Client().post(f"/fa/s/{shop.slug}/licenses/activations/{other.pk}/release/")
    other.refresh_from_db()
    assert other.released_at is None


def test_receipt_email_carries_the_keys(
    shop: Any, app_product: Any, policy: Any, buy: Callable[..., Order]
) -> None:
    from tests.delivery.conftest import run_queued_tasks

    order = buy(shop, app_product)
    run_queued_tasks()
    key = selectors.keys_for_order(order.pk)[0].key
    receipts = [m for m in mail.outbox if order.email in m.to]
    assert receipts
    assert key in str(receipts[-1].body)
    assert key in str(receipts[-1].alternatives[0][0])
