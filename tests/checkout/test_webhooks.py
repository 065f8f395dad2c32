"""The webhook endpoint: signatures, idempotency, amount checks, through real HTTP requests."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.test import Client

from dukkan.checkout import services
from dukkan.checkout.models import Order, OrderStatus, WebhookEvent
from dukkan.checkout.payments.base import Outcome
from dukkan.checkout.payments.test import SIGNATURE_HEADER, event_body, sign

pytestmark = pytest.mark.django_db(transaction=True)


def _post(client: Client, store: Any, body: bytes, signature: str, provider: str = "test") -> Any:
    return client.post(
        f"/webhooks/{provider}/{store.slug}/",
        data=body,
        content_type="application/json",
        headers={SIGNATURE_HEADER: signature},
    )


def _order(shop: Any, product: Any) -> Order:
    return services.start_checkout(shop, product, email="n@example.com", provider="test")


def test_one_event_delivered_100_times_fulfils_once(shop: Any, product: Any) -> None:
    from dukkan.checkout.events import OrderFulfilled, OrderPaid
    from dukkan.core.events import subscribe

    paid: list[int] = []
    fulfilled: list[int] = []
    subscribe(OrderPaid)(lambda e: paid.append(e.order_id))
    subscribe(OrderFulfilled)(lambda e: fulfilled.append(e.order_id))

    order = _order(shop, product)
    body = event_body(order, Outcome.PAID, event_id="evt_same_1")
    client = Client()
    results = [
        _post(client, shop, body, sign(shop.secret, body)).json()["result"] for _ in range(100)
    ]
    assert results[0] == "paid"
    assert set(results[1:]) == {"duplicate"}
    order.refresh_from_db()
    assert order.status == OrderStatus.FULFILLED  # delivery's subscriber fulfilled it
    assert paid.count(order.pk) == 1
    assert fulfilled.count(order.pk) == 1
    assert WebhookEvent.objects.filter(store=shop, event_id="evt_same_1").count() == 1


def test_bad_signature_is_refused_logged_and_changes_nothing(
    shop: Any, product: Any, caplog: Any
) -> None:
    order = _order(shop, product)
    body = event_body(order, Outcome.PAID, event_id="evt_forged")
    client = Client()
    forged = sign("not-the-store-secret", body)
    response = _post(client, shop, body, forged)
    assert response.status_code == 400
    assert _post(client, shop, body, "").status_code == 400
    tampered = body.replace(b'"amount_minor":', b'"amount_minor":1')
    assert _post(client, shop, tampered, sign(shop.secret, body)).status_code == 400
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    refused = WebhookEvent.objects.filter(store=shop, signature_ok=False)
    assert refused.count() == 3
    assert {e.result for e in refused} == {"bad_signature"}
    assert "bad signature" in caplog.text
    # The real event, with the same id, still goes through afterwards.
    assert _post(client, shop, body, sign(shop.secret, body)).json()["result"] == "paid"


def test_replayed_old_signature_is_refused(shop: Any, product: Any) -> None:
    order = _order(shop, product)
    body = event_body(order, Outcome.PAID)
    stale = sign(shop.secret, body, timestamp=int(time.time()) - 3600)
    assert _post(Client(), shop, body, stale).status_code == 400
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


def test_amount_mismatch_is_flagged_not_fulfilled(shop: Any, product: Any) -> None:
    order = _order(shop, product)
    event = json.loads(event_body(order, Outcome.PAID, event_id="evt_cheap"))
    event["data"]["amount_minor"] = 100
    body = json.dumps(event).encode()
    response = _post(Client(), shop, body, sign(shop.secret, body))
    assert response.status_code == 200
    assert response.json()["result"] == "flagged"
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert order.flagged
    assert "does not match" in order.flag_reason
    assert not order.entitlements.exists()


def test_failure_webhook_and_unknown_provider_or_order(shop: Any, product: Any) -> None:
    order = _order(shop, product)
    client = Client()
    body = event_body(order, Outcome.FAILED)
    assert _post(client, shop, body, sign(shop.secret, body)).json()["result"] == "failed"
    order.refresh_from_db()
    assert order.status == OrderStatus.FAILED
    assert _post(client, shop, body, sign(shop.secret, body), provider="stripe").status_code == 404
    assert _post(client, shop, body, sign(shop.secret, body), provider="nope").status_code == 404
    event = json.loads(event_body(order, Outcome.PAID))
    event["data"]["order"] = "no-such-token"
    event["data"]["reference"] = "no-such-reference"
    stray = json.dumps(event).encode()
    assert _post(client, shop, stray, sign(shop.secret, stray)).json()["result"] == "unknown_order"
    assert client.get(f"/webhooks/test/{shop.slug}/").status_code == 405
    assert (
        client.post(
            "/webhooks/test/no-such-store/", data=b"{}", content_type="application/json"
        ).status_code
        == 404
    )


def test_another_stores_secret_cannot_pay_this_store(
    shop: Any, product: Any, make_store: Any
) -> None:
    from dukkan.checkout.models import SellingSettings

    other = make_store()
    SellingSettings.objects.create(store=other, providers=["test"])
    order = _order(shop, product)
    body = event_body(order, Outcome.PAID)
    # Signed with the other store's secret, sent to the other store's endpoint: the order
    # of this store is not found there.
    response = _post(Client(), other, body, sign(other.secret, body))
    assert response.json()["result"] == "unknown_order"
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
