"""The owner's programme page, sign-up and approval, payouts: bad input first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from dukkan.affiliates import referral, services
from dukkan.affiliates.models import (
    Affiliate,
    Commission,
    PayoutBatch,
    ProductCommission,
    Programme,
)
from dukkan.promotions.selectors import coupon_by_code
from tests.affiliates.conftest import programme_input, run_queued_tasks

pytestmark = pytest.mark.django_db

GOOD = {
    "is_open": "on",
    "approval": "manual",
    "commission_kind": "percent",
    "commission_percent": "25",
    "commission_fixed": "",
    "customer_discount_percent": "10",
    "cookie_days": "60",
    "attribution": "first",
    "hold_days": "30",
    "min_payout": "50",
    "terms": "",
}


@pytest.fixture
def owner(shop: Any) -> Client:
    client = Client()
    client.force_login(shop.accounts_memberships.get().user)
    return client


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"commission_percent": "0.5"}, "1% to 75%"),
        ({"commission_percent": "80"}, "1% to 75%"),
        ({"commission_percent": "abc"}, "percentage"),
        ({"commission_kind": "fixed", "commission_fixed": "-5"}, "negative"),
        ({"commission_kind": "fixed", "commission_fixed": "0"}, "more than zero"),
        ({"cookie_days": "0"}, "1 to 365"),
        ({"cookie_days": "400"}, "1 to 365"),
        ({"hold_days": "7"}, "refund window"),
        ({"customer_discount_percent": "95"}, "1% to 90%"),
    ],
)
def test_programme_bad_input(
    shop: Any, owner: Client, changes: dict[str, str], message: str
) -> None:
    before = list(Programme.objects.filter(store=shop).values())
    response = owner.post(f"/en/dashboard/{shop.slug}/affiliates/", {**GOOD, **changes})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(Programme.objects.filter(store=shop).values()) == before


def test_programme_saved_in_persian_digits(shop: Any, owner: Client) -> None:
    response = owner.post(
        f"/fa/dashboard/{shop.slug}/affiliates/",
        {**GOOD, "commission_percent": "۱۲٫۵", "cookie_days": "90"},
    )
    assert response.status_code == 302
    programme = Programme.objects.get(store=shop)
    assert (programme.commission_bp, programme.cookie_days, programme.attribution) == (
        1250,
        90,
        "first",
    )
    assert programme.min_payout_minor == 5000
    page = owner.get(f"/fa/dashboard/{shop.slug}/affiliates/").content.decode()
    assert 'dir="rtl"' in page


def test_product_override(shop: Any, owner: Client, product: Any) -> None:
    url = f"/en/dashboard/{shop.slug}/affiliates/overrides/"
    bad = owner.post(url, {"product": product.pk, "kind": "percent", "percent": "90"})
    assert bad.status_code == 400
    assert "1% to 75%" in bad.content.decode()
    assert not ProductCommission.objects.exists()
    assert (
        owner.post(url, {"product": product.pk, "kind": "fixed", "fixed": "12"}).status_code == 302
    )
    override = ProductCommission.objects.get()
    assert override.commission_fixed == {"SAR": 1200}


def test_sign_up_approval_and_coupon(shop: Any, make_user: Callable[..., Any]) -> None:
    services.save_programme(shop, programme_input(approval="manual"))
    visitor = Client()
    page = visitor.get(f"/ar/s/{shop.slug}/affiliates/")
    assert page.status_code == 200
    assert "/accounts/login/?next=" in page.content.decode()
    assert visitor.post(f"/ar/s/{shop.slug}/affiliates/", {"name": "x"}).status_code == 302
    user = make_user("hamid@affiliates.example")
    visitor.force_login(user)
    form = {"name": "حمید", "code": "ha", "payout_method": "paypal", "agree": "on"}
    bad = visitor.post(f"/fa/s/{shop.slug}/affiliates/", form)
    assert bad.status_code == 400
    assert not Affiliate.objects.exists()
    no_terms = visitor.post(
        f"/fa/s/{shop.slug}/affiliates/", {**form, "code": "HAMID", "agree": ""}
    )
    assert no_terms.status_code == 400
    assert not Affiliate.objects.exists()
    done = visitor.post(f"/fa/s/{shop.slug}/affiliates/", {**form, "code": "hamid۱"})
    assert done.status_code == 302
    affiliate = Affiliate.objects.get()
    assert (affiliate.code, affiliate.status, affiliate.coupon_code) == ("HAMID1", "pending", "")
    dashboard = visitor.get(f"/fa/s/{shop.slug}/affiliates/dashboard/").content.decode()
    assert "HAMID1" in dashboard
    # Links do not count before approval.
    assert referral.COOKIE_NAME not in Client().get(f"/ar/s/{shop.slug}/?ref=HAMID1").cookies

    owner = Client()
    owner.force_login(shop.accounts_memberships.get().user)
    mail.outbox.clear()
    owner.post(
        f"/en/dashboard/{shop.slug}/affiliates/{affiliate.pk}/decide/", {"action": "approve"}
    )
    affiliate.refresh_from_db()
    assert (affiliate.status, affiliate.coupon_code) == ("approved", "HAMID1")
    coupon = coupon_by_code(shop.pk, "hamid1")
    assert coupon is not None
    assert coupon.value == 1000
    run_queued_tasks()
    assert mail.outbox[-1].to == ["hamid@affiliates.example"]
    assert "HAMID1" in mail.outbox[-1].body
    # A team member cannot join their own store's programme.
    member = Client()
    member.force_login(shop.accounts_memberships.get().user)
    refused = member.post(f"/en/s/{shop.slug}/affiliates/", {**form, "code": "OWNER1"})
    assert refused.status_code == 400
    assert "team" in refused.content.decode()


def test_code_taken_by_a_coupon_is_refused_whole(shop: Any, make_user: Callable[..., Any]) -> None:
    from dukkan.promotions.services import create_coupon

    create_coupon(shop, code="EID2026", kind="percent", value=500)
    with pytest.raises(services.ValidationError):
        services.join(shop, make_user(), name="Sam", code="EID2026")
    assert not Affiliate.objects.exists()  # nothing half-written


def test_link_builder(shop: Any, affiliate: Any) -> None:
    client = Client()
    client.force_login(affiliate.user)
    url = f"/en/s/{shop.slug}/affiliates/dashboard/"
    page = client.get(url, {"url": f"http://testserver/ar/s/{shop.slug}/p/book/?x=1"})
    assert f"/ar/s/{shop.slug}/p/book/?x=1&amp;ref=LAYLA" in page.content.decode()
    other = client.get(url, {"url": "https://evil.example/ar/s/warraq/"}).content.decode()
    assert "Paste an address of this store" in other


def test_payout_bad_input(shop: Any, owner: Client, affiliate: Any) -> None:
    url = f"/en/dashboard/{shop.slug}/affiliates/payouts/"
    assert owner.get(url).status_code == 200
    response = owner.post(url, {"affiliates": [], "method": "paypal", "reference": ""})
    assert response.status_code == 400
    assert "reference" in response.content.decode()
    with pytest.raises(services.ValidationError) as error:
        services.pay_batch(shop, [affiliate], method="paypal", reference="PP-1")
    assert "nothing to pay" in str(error.value)
    assert not PayoutBatch.objects.exists()
    assert not Commission.objects.exists()


def test_referral_cookie_keeps_several_stores_within_200(make_store: Callable[..., Any]) -> None:
    from datetime import UTC, datetime

    found: dict[int, Any] = {}
    for n in range(1, 8):
        found = referral.record_click(
            found,
            store_id=1000 + n,
            code=f"CODE{n:016d}",
            click_id=10**9 + n,
            at=datetime(2026, 11, n, tzinfo=UTC),
            window_days=365,
        )
    value = referral.encode(found)
    assert len(value) <= 200
    kept = referral.parse(value)
    assert 1007 in kept
    assert 1001 not in kept
    assert referral.parse(value[:-1] + ("A" if value[-1] != "A" else "B")) == {}


def test_dashboard_home_lists_the_affiliations(affiliate: Any) -> None:
    client = Client()
    client.force_login(affiliate.user)
    page = client.get("/en/dashboard/").content.decode()
    assert f"/en/s/{affiliate.store.slug}/affiliates/dashboard/" in page


def test_conversion_and_refund_rate_are_flagged(shop: Any, product: Any, affiliate: Any) -> None:
    from dukkan.affiliates import selectors
    from dukkan.checkout import services as checkout_services

    orders = []
    for n in range(5):
        order = checkout_services.start_checkout(
            shop, product, email=f"b{n}@customers.example", provider="test", coupon_code="LAYLA"
        )
        order = checkout_services.mark_paid(
            order,
            provider="test",
            reference=f"r{n}",
            amount_minor=order.total_minor,
            currency=order.currency,
        )
        services.attribute_order(order)
        orders.append(order)
    assert selectors.stats_for(affiliate).flags == []
    services.record_click(affiliate, ip="198.51.100.1", user_agent="x", path="/")
    Commission.objects.update(source="cookie")  # five sales from one click
    for order in orders[:2]:
        services.reverse_for_refund(order, amount_minor=order.total_minor, full=True)
    flags = " ".join(selectors.stats_for(affiliate).flags)
    assert "5 sales from 1 clicks" in flags
    assert "2 of 5 sales" in flags
