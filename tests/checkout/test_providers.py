"""Each provider adapter against its documented formats: a real local HTTP server answers the
recorded responses (fixtures), signatures are computed for real, nothing touches the network."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, quote

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from django.test import Client

from dukkan.checkout import services
from dukkan.checkout.models import Order, OrderStatus, Payment, SellingSettings, WebhookEvent
from dukkan.checkout.reconcile import reconcile
from tests.checkout.fakeprovider import FakeProvider, fixture

pytestmark = pytest.mark.django_db(transaction=True)


def _enable(store: Any, provider: str, **config: str) -> None:
    settings, _ = SellingSettings.objects.get_or_create(store=store)
    settings.providers = ["test", provider]
    settings.provider_config = {provider: config}
    settings.save()


def _buy(client: Client, store: Any, product: Any, provider: str) -> tuple[Order, str]:
    response = client.post(
        f"/en/s/{store.slug}/checkout/{product.slug}/",
        {"email": "john@customers.example", "name": "John", "provider": provider},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Order.objects.filter(store=store).latest("pk"), response["Location"]


@pytest.fixture
def usd_store(make_store: Any) -> Any:
    return make_store(currency="USD")


@pytest.fixture
def usd_product(usd_store: Any, make_product: Any) -> Any:
    return make_product(usd_store, title="Cedar Notes", price_minor=2999)


# --- Stripe -----------------------------------------------------------------------------

WHSEC = "whsec_test_5Kc0kBQnLq8lYxVYqA2b1eS3"


def stripe_signature(payload: bytes, secret: str = WHSEC, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def test_stripe_checkout_webhook_and_refund(
    usd_store: Any, usd_product: Any, fake_provider: FakeProvider
) -> None:
    _enable(
        usd_store,
        "stripe",
        secret_key="sk_test_123",
        webhook_secret=WHSEC,
        api_base=fake_provider.url,
    )
    client = Client()
    tokens: list[str] = []

    def created(seen: Any) -> tuple[int, Any]:
        form = parse_qs(seen.body.decode())
        tokens.append(form["client_reference_id"][0])
        return 200, fixture("stripe_checkout_session.json", ORDER_TOKEN=tokens[-1])

    fake_provider.on("POST", "/v1/checkout/sessions", created)
    order, location = _buy(client, usd_store, usd_product, "stripe")
    assert location.startswith("https://checkout.stripe.com/c/pay/cs_test_")
    sent = parse_qs(fake_provider.requests("/v1/checkout/sessions")[0].body.decode())
    assert sent["line_items[0][price_data][unit_amount]"] == ["2999"]
    assert sent["line_items[0][price_data][currency]"] == ["usd"]
    assert sent["customer_email"] == ["john@customers.example"]
    assert fake_provider.seen[0].headers["Authorization"] == "Bearer sk_test_123"
    assert fake_provider.seen[0].headers["Idempotency-Key"] == f"dukkan-order-{order.token}"
    order.refresh_from_db()
    assert order.provider_reference == "cs_test_a1b2c3d4e5f6g7h8i9j0"

    payload = json.dumps(
        fixture("stripe_event_checkout_session_completed.json", ORDER_TOKEN=order.token)
    ).encode()
    url = f"/webhooks/stripe/{usd_store.slug}/"

    def post(body: bytes, signature: str) -> Any:
        return client.post(
            url, body, content_type="application/json", headers={"Stripe-Signature": signature}
        )

    assert post(payload, stripe_signature(payload, "whsec_wrong")).status_code == 400
    old = stripe_signature(payload, timestamp=int(time.time()) - 600)
    assert post(payload, old).status_code == 400  # replayed outside the tolerance
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    results = [post(payload, stripe_signature(payload)).json()["result"] for _ in range(3)]
    assert results == ["paid", "duplicate", "duplicate"]
    order.refresh_from_db()
    assert order.status == OrderStatus.FULFILLED
    assert WebhookEvent.objects.filter(provider="stripe", signature_ok=False).count() == 2

    paid_session = fixture("stripe_event_checkout_session_completed.json", ORDER_TOKEN=order.token)
    fake_provider.on(
        "GET", "/v1/checkout/sessions/cs_test_[a-z0-9]+", (200, paid_session["data"]["object"])
    )
    fake_provider.on("POST", "/v1/refunds", (200, fixture("stripe_refund.json")))
    refund = services.refund(order, amount_minor=1000, reason="asked", by=None)
    assert refund.provider_reference == "re_3PcX2aLkdIwHu7ix0GfP3Qm1"
    asked = parse_qs(fake_provider.requests("/v1/refunds")[0].body.decode())
    assert asked == {"payment_intent": ["pi_3PcX2aLkdIwHu7ix0s7aUJ7K"], "amount": ["1000"]}
    assert order.status == OrderStatus.PARTIALLY_REFUNDED


def test_stripe_amount_mismatch_is_flagged(
    usd_store: Any, usd_product: Any, fake_provider: FakeProvider
) -> None:
    _enable(
        usd_store,
        "stripe",
        secret_key="sk_test_123",
        webhook_secret=WHSEC,
        api_base=fake_provider.url,
    )
    order = services.start_checkout(
        usd_store, usd_product, email="j@example.com", provider="stripe"
    )
    event = fixture("stripe_event_checkout_session_completed.json", ORDER_TOKEN=order.token)
    event["data"]["object"]["amount_total"] = 99
    payload = json.dumps(event).encode()
    response = Client().post(
        f"/webhooks/stripe/{usd_store.slug}/",
        payload,
        content_type="application/json",
        headers={"Stripe-Signature": stripe_signature(payload)},
    )
    assert response.json()["result"] == "flagged"
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert order.flagged


def test_stripe_reconciliation_retrieves_the_session(
    usd_store: Any, usd_product: Any, fake_provider: FakeProvider
) -> None:
    _enable(
        usd_store,
        "stripe",
        secret_key="sk_test_123",
        webhook_secret=WHSEC,
        api_base=fake_provider.url,
    )
    order = services.start_checkout(
        usd_store, usd_product, email="j@example.com", provider="stripe"
    )
    services.record_payment_attempt(
        order, provider="stripe", reference="cs_test_a1b2c3d4e5f6g7h8i9j0"
    )
    Order.objects.filter(pk=order.pk).update(created_at=order.created_at - timedelta(minutes=30))
    paid = fixture("stripe_event_checkout_session_completed.json", ORDER_TOKEN=order.token)
    fake_provider.on(
        "GET", "/v1/checkout/sessions/cs_test_a1b2c3d4e5f6g7h8i9j0", (200, paid["data"]["object"])
    )
    assert reconcile() == {"paid": 1}
    order.refresh_from_db()
    assert order.status == OrderStatus.FULFILLED


# --- PayPal -----------------------------------------------------------------------------


def _key_and_cert(common_name: str = "messageverificationcerts.paypal.com") -> tuple[Any, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return key, cert.public_bytes(serialization.Encoding.PEM)


def paypal_headers(key: Any, body: bytes, webhook_id: str, cert_url: str) -> dict[str, str]:
    transmission_id = "69cd13f0-d67a-11e5-baa3-778b53f4ae55"
    when = "2024-05-18T21:20:52Z"
    message = f"{transmission_id}|{when}|{webhook_id}|{zlib.crc32(body) & 0xFFFFFFFF}".encode()
    signature = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    return {
        "PAYPAL-TRANSMISSION-ID": transmission_id,
        "PAYPAL-TRANSMISSION-TIME": when,
        "PAYPAL-TRANSMISSION-SIG": base64.b64encode(signature).decode(),
        "PAYPAL-CERT-URL": cert_url,
        "PAYPAL-AUTH-ALGO": "SHA256withRSA",
    }


def test_paypal_order_capture_webhook_and_refund(
    usd_store: Any, usd_product: Any, fake_provider: FakeProvider
) -> None:
    _enable(
        usd_store,
        "paypal",
        client_id="AYSq3RDGsmBLJE",
        client_secret="EGnHDxD_qRPdaLdZz8i",
        webhook_id="1JE4291016473214C",
        api_base=fake_provider.url,
    )
    fake_provider.on("POST", "/v1/oauth2/token", (200, fixture("paypal_oauth_token.json")))
    fake_provider.on("POST", "/v2/checkout/orders", (201, fixture("paypal_order_created.json")))
    client = Client()
    order, location = _buy(client, usd_store, usd_product, "paypal")
    assert location == "https://www.paypal.com/checkoutnow?token=5O190127TN364715T"
    token_request = fake_provider.requests("/v1/oauth2/token")[0]
    assert (
        token_request.headers["Authorization"]
        == "Basic " + base64.b64encode(b"AYSq3RDGsmBLJE:EGnHDxD_qRPdaLdZz8i").decode()
    )
    sent = fake_provider.requests("/v2/checkout/orders")[0]
    unit = sent.json()["purchase_units"][0]
    assert unit["amount"] == {"currency_code": "USD", "value": "29.99"}
    assert unit["custom_id"] == order.token
    assert sent.headers["PayPal-Request-Id"] == f"dukkan-{order.token}"

    # The buyer approves at PayPal and comes back: we capture.
    fake_provider.on(
        "POST",
        "/v2/checkout/orders/5O190127TN364715T/capture",
        (201, fixture("paypal_order_captured.json", ORDER_TOKEN=order.token)),
    )
    back = client.get(
        f"/en/s/{usd_store.slug}/checkout/return/paypal/{order.token}/?token=5O190127TN364715T&PayerID=QYR5Z8XDVJNXQ"
    )
    assert back.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.FULFILLED
    assert (
        Payment.objects.get(order=order, status="succeeded").raw["capture_id"]
        == "3C679366HH908993F"
    )

    # The webhook for the same capture arrives too: verified with the certificate, no change.
    key, pem = _key_and_cert()
    fake_provider.on("GET", "/v1/notifications/certs/CERT-360caa42-fca2a594-1d93a270", (200, pem))
    cert_url = f"{fake_provider.url}/v1/notifications/certs/CERT-360caa42-fca2a594-1d93a270"
    body = json.dumps(
        fixture("paypal_webhook_capture_completed.json", ORDER_TOKEN=order.token)
    ).encode()
    url = f"/webhooks/paypal/{usd_store.slug}/"
    headers = paypal_headers(key, body, "1JE4291016473214C", cert_url)
    response = client.post(url, body, content_type="application/json", headers=headers)
    assert response.status_code == 200
    assert response.json()["result"] == "paid"  # already paid: idempotent, nothing changes
    order.refresh_from_db()
    assert order.status == OrderStatus.FULFILLED
    assert not order.flagged

    fake_provider.on(
        "POST",
        "/v2/payments/captures/3C679366HH908993F/refund",
        (201, fixture("paypal_refund.json")),
    )
    refund = services.refund(order, reason="duplicate purchase", by=None)
    assert refund.provider_reference == "1JU08902781691411"
    assert fake_provider.requests("/refund")[0].json() == {
        "amount": {"value": "29.99", "currency_code": "USD"}
    }
    assert order.status == OrderStatus.REFUNDED


def test_paypal_webhook_signatures(
    usd_store: Any, usd_product: Any, fake_provider: FakeProvider
) -> None:
    _enable(
        usd_store,
        "paypal",
        client_id="id",
        client_secret="secret",
        webhook_id="1JE4291016473214C",
        api_base=fake_provider.url,
    )
    order = services.start_checkout(
        usd_store, usd_product, email="j@example.com", provider="paypal"
    )
    key, pem = _key_and_cert()
    other_key, _ = _key_and_cert()
    fake_provider.on("GET", "/v1/notifications/certs/CERT-good", (200, pem))
    cert_url = f"{fake_provider.url}/v1/notifications/certs/CERT-good"
    body = json.dumps(
        fixture("paypal_webhook_capture_completed.json", ORDER_TOKEN=order.token)
    ).encode()
    url = f"/webhooks/paypal/{usd_store.slug}/"
    client = Client()

    def post(data: bytes, headers: dict[str, str]) -> int:
        return client.post(url, data, content_type="application/json", headers=headers).status_code

    assert post(body, paypal_headers(other_key, body, "1JE4291016473214C", cert_url)) == 400
    assert post(body, paypal_headers(key, body, "ANOTHER-WEBHOOK", cert_url)) == 400
    tampered = body.replace(b'"29.99"', b'"0.01"')
    assert post(tampered, paypal_headers(key, body, "1JE4291016473214C", cert_url)) == 400
    assert (
        post(body, paypal_headers(key, body, "1JE4291016473214C", "https://evil.example/cert.pem"))
        == 400
    )
    assert post(body, {}) == 400
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert post(body, paypal_headers(key, body, "1JE4291016473214C", cert_url)) == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.FULFILLED


# --- Zarinpal ---------------------------------------------------------------------------


@pytest.fixture
def irr_store(make_store: Any) -> Any:
    return make_store(currency="IRR", default_language="fa")


def test_zarinpal_request_startpay_and_verify(
    irr_store: Any, make_product: Any, fake_provider: FakeProvider
) -> None:
    product = make_product(irr_store, title="افزونه تقویم شمسی", price_minor=4_900_000)
    merchant = "1344b5d4-0048-11e8-94db-005056a205be"
    _enable(irr_store, "zarinpal", merchant_id=merchant, api_base=fake_provider.url)
    fake_provider.on(
        "POST", "/pg/v4/payment/request.json", (200, fixture("zarinpal_request_ok.json"))
    )
    client = Client()
    order, location = _buy(client, irr_store, product, "zarinpal")
    assert location == f"{fake_provider.url}/pg/StartPay/A0000000000000000000000000000wwOGYpd"
    sent = fake_provider.requests("request.json")[0].json()
    assert sent["amount"] == 4_900_000
    assert sent["currency"] == "IRR"
    assert sent["merchant_id"] == merchant
    assert sent["callback_url"].endswith(f"/checkout/return/zarinpal/{order.token}/")

    return_url = f"/fa/s/{irr_store.slug}/checkout/return/zarinpal/{order.token}/"
    # A forged return with another authority is ignored.
    client.get(return_url + "?Authority=A000000000000000000000000000forged&Status=OK")
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    fake_provider.on(
        "POST", "/pg/v4/payment/verify.json", (200, fixture("zarinpal_verify_ok.json"))
    )
    client.get(return_url + "?Authority=A0000000000000000000000000000wwOGYpd&Status=OK")
    order.refresh_from_db()
    assert order.status == OrderStatus.FULFILLED
    verify = fake_provider.requests("verify.json")[0].json()
    assert verify == {
        "merchant_id": merchant,
        "amount": 4_900_000,
        "authority": "A0000000000000000000000000000wwOGYpd",
    }
    # Coming back again (101: verified before) changes nothing.
    fake_provider.on(
        "POST", "/pg/v4/payment/verify.json", (200, fixture("zarinpal_verify_already.json"))
    )
    client.get(return_url + "?Authority=A0000000000000000000000000000wwOGYpd&Status=OK")
    order.refresh_from_db()
    assert order.status == OrderStatus.FULFILLED


def test_zarinpal_failures(irr_store: Any, make_product: Any, fake_provider: FakeProvider) -> None:
    product = make_product(irr_store, title="افزونه فاکتور", price_minor=2_000_000)
    _enable(irr_store, "zarinpal", merchant_id="m", api_base=fake_provider.url)
    fake_provider.on(
        "POST", "/pg/v4/payment/request.json", (200, fixture("zarinpal_request_ok.json"))
    )
    client = Client()
    order, _ = _buy(client, irr_store, product, "zarinpal")
    client.get(
        f"/fa/s/{irr_store.slug}/checkout/return/zarinpal/{order.token}/?Authority=A0000000000000000000000000000wwOGYpd&Status=NOK"
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.FAILED
    assert not fake_provider.requests("verify.json")

    second, _ = _buy(client, irr_store, product, "zarinpal")
    fake_provider.on(
        "POST", "/pg/v4/payment/verify.json", (200, fixture("zarinpal_verify_failed.json"))
    )
    client.get(
        f"/fa/s/{irr_store.slug}/checkout/return/zarinpal/{second.token}/?Authority=A0000000000000000000000000000wwOGYpd&Status=OK"
    )
    second.refresh_from_db()
    assert second.status == OrderStatus.FAILED

    fake_provider.on(
        "POST", "/pg/v4/payment/request.json", (200, fixture("zarinpal_request_error.json"))
    )
    third, location = _buy(client, irr_store, product, "zarinpal")
    assert location.endswith(f"/checkout/order/{third.token}/")
    third.refresh_from_db()
    assert third.status == OrderStatus.FAILED


def test_zarinpal_reconciliation_verifies_and_expires(
    irr_store: Any, make_product: Any, fake_provider: FakeProvider
) -> None:
    product = make_product(irr_store, title="افزونه پیامک", price_minor=1_000_000, quantity_limit=5)
    _enable(irr_store, "zarinpal", merchant_id="m", api_base=fake_provider.url)
    paid = services.start_checkout(
        irr_store, product, email="sara@customers.example", provider="zarinpal"
    )
    services.record_payment_attempt(
        paid, provider="zarinpal", reference="A0000000000000000000000000000wwOGYpd"
    )
    abandoned = services.start_checkout(
        irr_store, product, email="x@example.com", provider="zarinpal"
    )
    services.record_payment_attempt(
        abandoned, provider="zarinpal", reference="A00000000000000000000000000000other"
    )
    fresh = services.start_checkout(irr_store, product, email="y@example.com", provider="zarinpal")
    old = paid.created_at - timedelta(hours=2)
    Order.objects.filter(pk__in=[paid.pk, abandoned.pk]).update(created_at=old)

    def verify(seen: Any) -> tuple[int, Any]:
        if seen.json()["authority"].endswith("wwOGYpd"):
            return 200, fixture("zarinpal_verify_ok.json")
        return 200, fixture("zarinpal_verify_failed.json")

    fake_provider.on("POST", "/pg/v4/payment/verify.json", verify)
    assert reconcile() == {"paid": 1, "expired": 1}
    for order in (paid, abandoned, fresh):
        order.refresh_from_db()
    assert (paid.status, abandoned.status, fresh.status) == ("fulfilled", "cancelled", "pending")
    product.refresh_from_db()
    assert product.quantity_sold == 2  # the abandoned copy went back on sale


# --- Moyasar ----------------------------------------------------------------------------


def test_moyasar_invoice_webhook_return_and_refund(
    shop: Any, product: Any, fake_provider: FakeProvider
) -> None:
    _enable(
        shop,
        "moyasar",
        secret_key="sk_test_moyasar",
        webhook_secret="tok_9fK2",
        api_base=fake_provider.url,
    )
    fake_provider.on("POST", "/v1/invoices", (201, fixture("moyasar_invoice_created.json")))
    client = Client()
    order, location = _buy(client, shop, product, "moyasar")
    assert location.startswith("https://checkout.moyasar.com/invoices/73bda482")
    sent = fake_provider.requests("/v1/invoices")[0]
    assert (
        sent.headers["Authorization"] == "Basic " + base64.b64encode(b"sk_test_moyasar:").decode()
    )
    assert sent.json()["amount"] == 11500
    assert sent.json()["currency"] == "SAR"

    # A return before the payment: Moyasar says "initiated", the order stays pending.
    fake_provider.on(
        "GET",
        "/v1/invoices/73bda482-5f95-4f59-87d3-3fe3615c54bc",
        (200, fixture("moyasar_invoice_created.json")),
    )
    client.get(f"/ar/s/{shop.slug}/checkout/return/moyasar/{order.token}/?id=x&status=paid")
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING

    url = f"/webhooks/moyasar/{shop.slug}/"
    forged = json.dumps(
        fixture("moyasar_webhook_payment_paid.json", ORDER_TOKEN=order.token, SECRET_TOKEN="guess")
    ).encode()
    assert client.post(url, forged, content_type="application/json").status_code == 400
    body = json.dumps(
        fixture(
            "moyasar_webhook_payment_paid.json", ORDER_TOKEN=order.token, SECRET_TOKEN="tok_9fK2"
        )
    ).encode()
    assert client.post(url, body, content_type="application/json").json()["result"] == "paid"
    assert client.post(url, body, content_type="application/json").json()["result"] == "duplicate"
    order.refresh_from_db()
    assert order.status == OrderStatus.FULFILLED

    fake_provider.on(
        "POST",
        "/v1/payments/611c028e-855c-425c-a4eb-ce1e06680000/refund",
        (200, fixture("moyasar_refund.json")),
    )
    services.refund(order, amount_minor=5000, reason="جزء", by=None)
    assert fake_provider.requests("/refund")[0].json() == {"amount": 5000}
    assert order.status == OrderStatus.PARTIALLY_REFUNDED


def test_moyasar_return_confirms_with_the_api(
    shop: Any, product: Any, fake_provider: FakeProvider
) -> None:
    _enable(shop, "moyasar", secret_key="sk", webhook_secret="t", api_base=fake_provider.url)
    fake_provider.on("POST", "/v1/invoices", (201, fixture("moyasar_invoice_created.json")))
    client = Client()
    order, _ = _buy(client, shop, product, "moyasar")
    fake_provider.on(
        "GET",
        "/v1/invoices/73bda482-5f95-4f59-87d3-3fe3615c54bc",
        (200, fixture("moyasar_invoice_paid.json", ORDER_TOKEN=order.token)),
    )
    client.get(f"/ar/s/{shop.slug}/checkout/return/moyasar/{order.token}/")
    order.refresh_from_db()
    assert order.status == OrderStatus.FULFILLED


def test_unreachable_provider_fails_the_order_cleanly(shop: Any, product: Any) -> None:
    from tests.processes import free_port

    dead = f"http://127.0.0.1:{free_port(range(18600, 18700))}"
    _enable(shop, "moyasar", secret_key="sk", webhook_secret="t", api_base=dead)
    client = Client()
    order, location = _buy(client, shop, product, "moyasar")
    assert location.endswith(f"/checkout/order/{order.token}/")
    order.refresh_from_db()
    assert order.status == OrderStatus.FAILED
    assert f"/checkout/{quote(product.slug)}/" in client.get(location).content.decode()
