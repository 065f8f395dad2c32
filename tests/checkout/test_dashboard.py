"""The dashboard: agents see orders, admins and owners refund, confirm, cancel and configure."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from dukkan.accounts import services as accounts
from dukkan.checkout import services
from dukkan.checkout.models import OrderStatus, SellingSettings
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def team(shop: Any, make_user: Any) -> dict[str, Any]:
    from dukkan.accounts.models import Membership

    owner = Membership.objects.get(store=shop, role="owner").user
    admin, agent = make_user(), make_user()
    Membership.objects.create(store=shop, user=admin, role="admin")
    Membership.objects.create(store=shop, user=agent, role="agent")
    return {"owner": owner, "admin": admin, "agent": agent, "stranger": make_user()}


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _paid(shop: Any, product: Any, email: str = "noura@customers.example") -> Any:
    order = services.start_checkout(shop, product, email=email, name="نورة", provider="test")
    return services.mark_paid(
        order, provider="test", reference="r", amount_minor=order.total_minor, currency="SAR"
    )


def test_agents_see_orders_but_cannot_refund(shop: Any, product: Any, team: dict[str, Any]) -> None:
    order = _paid(shop, product)
    agent = _client(team["agent"])
    listing = agent.get(f"/ar/dashboard/{shop.slug}/orders/")
    assert listing.status_code == 200
    assert "noura@customers.example" in listing.content.decode()
    detail = agent.get(f"/ar/dashboard/{shop.slug}/orders/{order.number}/")
    assert detail.status_code == 200
    assert "/refund/" not in detail.content.decode()
    refused = agent.post(
        f"/ar/dashboard/{shop.slug}/orders/{order.number}/refund/", {"reason": "x"}
    )
    assert refused.status_code == 403
    assert agent.get(f"/ar/dashboard/{shop.slug}/orders/settings/").status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.FULFILLED  # delivered, not refunded
    assert order.refunded_minor == 0
    assert _client(team["stranger"]).get(f"/ar/dashboard/{shop.slug}/orders/").status_code == 404


def test_admin_refunds_partially_then_fully(shop: Any, product: Any, team: dict[str, Any]) -> None:
    order = _paid(shop, product)
    admin = _client(team["admin"])
    url = f"/en/dashboard/{shop.slug}/orders/{order.number}/refund/"
    admin.post(url, {"amount": "15", "reason": "one chapter missing"})
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIALLY_REFUNDED
    assert order.refunded_minor == 1500
    too_much = admin.post(url, {"amount": "1000", "reason": "oops"}, follow=True)
    assert "at most" in too_much.content.decode()
    admin.post(url, {"reason": "the rest"})
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    page = admin.get(f"/en/dashboard/{shop.slug}/orders/{order.number}/").content.decode()
    assert "one chapter missing" in page
    assert "Files delivered → Partially refunded" in page  # the audit trail


def test_filters_and_search(shop: Any, product: Any, team: dict[str, Any]) -> None:
    paid = _paid(shop, product, "paid@example.com")
    pending = services.start_checkout(shop, product, email="waiting@example.com", provider="test")
    owner = _client(team["owner"])
    base = f"/en/dashboard/{shop.slug}/orders/"
    page = owner.get(base, {"status": "pending"}).content.decode()
    assert "waiting@example.com" in page
    assert "paid@example.com" not in page
    page = owner.get(base, {"q": paid.number}).content.decode()
    assert "paid@example.com" in page
    assert "waiting@example.com" not in page
    assert pending.email in owner.get(base, {"q": "WAITING"}).content.decode()
    assert owner.get(base, {"status": "bogus"}).status_code == 200


def test_bank_transfer_confirmation_and_cancel(
    shop: Any, product: Any, team: dict[str, Any]
) -> None:
    transfer = services.start_checkout(shop, product, email="b@example.com", provider="manual")
    other = services.start_checkout(shop, product, email="c@example.com", provider="manual")
    owner = _client(team["owner"])
    owner.post(f"/ar/dashboard/{shop.slug}/orders/{transfer.number}/confirm-transfer/")
    owner.post(f"/ar/dashboard/{shop.slug}/orders/{other.number}/cancel/")
    transfer.refresh_from_db()
    other.refresh_from_db()
    assert transfer.status == OrderStatus.FULFILLED
    assert other.status == OrderStatus.CANCELLED


def test_settings_keep_secrets_write_only(shop: Any, team: dict[str, Any]) -> None:
    owner = _client(team["owner"])
    url = f"/en/dashboard/{shop.slug}/orders/settings/"
    data = {
        "vat_percent": "5",
        "prices_include_tax": "",
        "pending_expiry_minutes": "45",
        "providers": ["test", "stripe"],
        "cfg__stripe__secret_key": "sk_live_supersecret123",
        "cfg__stripe__webhook_secret": "whsec_supersecret456",
        "cfg__paypal__client_id": "AYSq3RDG",
        "bank__ar": "حساب رقم ١٢٣",
    }
    assert owner.post(url, data).status_code == 302
    settings = SellingSettings.objects.get(store=shop)
    assert settings.vat_rate_bp == 500
    assert not settings.prices_include_tax
    assert settings.providers == ["test", "stripe"]
    assert settings.provider_config["stripe"]["secret_key"] == "sk_live_supersecret123"
    page = owner.get(url).content.decode()
    assert "supersecret" not in page
    assert "AYSq3RDG" in page  # not a secret
    # Saving again with the secret fields empty keeps them.
    owner.post(url, {**data, "cfg__stripe__secret_key": "", "cfg__stripe__webhook_secret": ""})
    settings.refresh_from_db()
    assert settings.provider_config["stripe"]["webhook_secret"] == "whsec_supersecret456"
    bad = owner.post(url, {**data, "vat_percent": "150", "providers": ["bitcoin"]})
    assert bad.status_code == 200
    settings.refresh_from_db()
    assert settings.vat_rate_bp == 500


def test_order_of_another_store_is_404(
    shop: Any, product: Any, team: dict[str, Any], make_store: Any
) -> None:
    order = _paid(shop, product)
    other = make_store(owner=team["owner"])
    owner = _client(team["owner"])
    assert owner.get(f"/en/dashboard/{other.slug}/orders/{order.number}/").status_code == 404
    assert accounts is not None
