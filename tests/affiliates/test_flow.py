"""The affiliate flow through the real storefront: link → cookie → purchase → commission."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from dukkan.affiliates import referral, services
from dukkan.affiliates.models import Click, Commission, CommissionStatus
from dukkan.checkout import services as checkout_services
from tests.affiliates.conftest import buy, committed, programme_input, run_queued_tasks

pytestmark = pytest.mark.django_db


def _expected(order: Any, bp: int = 2000) -> int:
    return (order.total_minor - order.tax_minor) * bp // 10_000


def test_link_cookie_purchase_commission_pending(shop: Any, product: Any, affiliate: Any) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Firefox")
    page = client.get(f"/ar/s/{shop.slug}/p/{product.slug}/?ref=layla")  # any case
    assert page.status_code == 200
    cookie = page.cookies[referral.COOKIE_NAME]
    assert cookie["max-age"] == 30 * 24 * 3600
    assert cookie["httponly"]
    assert len(cookie.value) <= 200
    assert referral.parse(cookie.value)[shop.pk].last_code == "LAYLA"
    # The same visitor again within the hour: one click.
    client.get(f"/ar/s/{shop.slug}/?ref=LAYLA")
    click = Click.objects.get(affiliate=affiliate)
    assert len(click.ip_hash) == 32
    assert "203.0.113.7" not in click.ip_hash

    order = buy(client, shop, product)
    assert referral.parse(order.referral_code)[shop.pk].last_code == "LAYLA"
    commission = Commission.objects.get(order=order)
    # 115.00 SAR with 15% VAT inside: 100.00 without VAT, 20% of that.
    assert (commission.base_minor, commission.amount_minor) == (10000, 2000)
    assert commission.status == CommissionStatus.PENDING
    assert commission.source == "cookie"
    assert commission.click == click
    assert commission.payable_at == order.paid_at + timedelta(days=30)
    assert order.events.filter(note__startswith="affiliate LAYLA").exists()

    # The affiliate sees it on their dashboard (sign-in required).
    mine = Client()
    assert mine.get(f"/ar/s/{shop.slug}/affiliates/dashboard/").status_code == 302
    mine.force_login(affiliate.user)
    html = mine.get(f"/ar/s/{shop.slug}/affiliates/dashboard/").content.decode()
    assert "LAYLA" in html
    assert "commission-pending" in html


def test_bad_codes_set_no_cookie(shop: Any, product: Any, affiliate: Any) -> None:
    client = Client()
    for url in (
        f"/ar/s/{shop.slug}/?ref=NOBODY",
        f"/ar/s/{shop.slug}/no-such-page/?ref=LAYLA",  # a 404 is no visit
        "/ar/s/other-store/?ref=LAYLA",
    ):
        assert referral.COOKIE_NAME not in client.get(url).cookies
    assert not Click.objects.exists()
    # A forged cookie is ignored at checkout.
    client.cookies[referral.COOKIE_NAME] = f"{shop.pk}~LAYLA~0~0~LAYLA~0~0~u:forged"
    order = buy(client, shop, product)
    assert not Commission.objects.filter(order=order).exists()


def test_coupon_attributes_without_cookie_and_wins_over_cookie(
    shop: Any, product: Any, affiliate: Any, make_affiliate: Callable[..., Any]
) -> None:
    assert affiliate.coupon_code == "LAYLA"
    order = buy(Client(), shop, product, coupon="layla")
    assert order.coupon_code == "LAYLA"
    assert order.discount_minor > 0
    commission = Commission.objects.get(order=order)
    assert commission.affiliate == affiliate
    assert commission.source == "coupon"
    assert commission.amount_minor == _expected(order)

    other = make_affiliate("reza@affiliates.example", "رضا", "REZA")
    client = Client()
    client.get(f"/ar/s/{shop.slug}/?ref=REZA")
    order = buy(client, shop, product, coupon="LAYLA", email="omar@customers.example")
    assert Commission.objects.get(order=order).affiliate == affiliate
    assert not Commission.objects.filter(affiliate=other).exists()


def test_first_click_or_last_click(
    shop: Any, product: Any, affiliate: Any, make_affiliate: Callable[..., Any]
) -> None:
    make_affiliate("reza@affiliates.example", "رضا", "REZA")
    client = Client()
    client.get(f"/ar/s/{shop.slug}/?ref=LAYLA")
    client.get(f"/ar/s/{shop.slug}/p/{product.slug}/?ref=REZA")
    first = referral.parse(client.cookies[referral.COOKIE_NAME].value)[shop.pk]
    assert (first.first_code, first.last_code) == ("LAYLA", "REZA")
    order = buy(client, shop, product)
    assert Commission.objects.get(order=order).affiliate.code == "REZA"  # last click

    services.save_programme(shop, programme_input(attribution="first"))
    order = buy(client, shop, product, email="omar@customers.example")
    assert Commission.objects.get(order=order).affiliate.code == "LAYLA"


def test_expired_cookie_window_earns_nothing(shop: Any, product: Any, affiliate: Any) -> None:
    client = Client()
    client.get(f"/ar/s/{shop.slug}/?ref=LAYLA")
    raw = client.cookies[referral.COOKIE_NAME].value
    old = referral.parse(raw)[shop.pk]
    past = timezone.now() - timedelta(days=31)
    moved = {shop.pk: old.__class__(**{**old.__dict__, "first_at": past, "last_at": past})}
    client.cookies[referral.COOKIE_NAME] = referral.encode(moved)
    order = buy(client, shop, product)
    assert not Commission.objects.filter(order=order).exists()


def test_self_referral_earns_nothing(shop: Any, product: Any, affiliate: Any) -> None:
    client = Client()
    client.get(f"/ar/s/{shop.slug}/?ref=LAYLA")
    order = buy(client, shop, product, email="Layla@Affiliates.example")
    commission = Commission.objects.get(order=order)
    assert (commission.status, commission.amount_minor) == (CommissionStatus.REJECTED, 0)
    assert commission.reason == "self_referral"
    # Signed in as the affiliate, with another address, through the own coupon: still nothing.
    mine = Client()
    mine.force_login(affiliate.user)
    order = buy(mine, shop, product, email="other@affiliates.example", coupon="LAYLA")
    assert Commission.objects.get(order=order).reason == "self_referral"


def test_refunds_reverse_the_commission(shop: Any, product: Any, affiliate: Any) -> None:
    order = buy(Client(), shop, product, coupon="LAYLA")
    commission = Commission.objects.get(order=order)
    amount = commission.amount_minor
    part = order.total_minor // 4
    with committed():
        checkout_services.refund(order, amount_minor=part)
    commission.refresh_from_db()
    # In proportion to what was refunded (rounded down in the affiliate's disfavour never up).
    assert commission.reversed_minor == amount * part // order.total_minor > 0
    assert commission.status == CommissionStatus.PENDING
    with committed():
        checkout_services.refund(order)  # the rest
    commission.refresh_from_db()
    assert (commission.status, commission.net_minor) == (CommissionStatus.REVERSED, 0)


def test_hold_payable_payout_csv_and_email(shop: Any, product: Any, affiliate: Any) -> None:
    from dukkan.affiliates.tasks import release_held_commissions

    first = buy(Client(), shop, product, coupon="LAYLA")
    second = buy(Client(), shop, product, coupon="LAYLA", email="omar@customers.example")
    assert services.release_held() == 0  # still held
    mail.outbox.clear()
    later = timezone.now() + timedelta(days=30, minutes=1)
    assert services.release_held(later) == 2
    assert release_held_commissions.call() == 0  # the periodic job: nothing left
    # A refund after payment is taken back from the next payout.
    batch = services.pay_batch(shop, [affiliate], method="paypal", reference="PP-123")
    payout = batch.payouts.get()
    total = sum(c.amount_minor for c in Commission.objects.filter(affiliate=affiliate))
    assert payout.amount_minor == total
    assert set(Commission.objects.values_list("status", flat=True)) == {"paid"}
    run_queued_tasks()
    notice = [m for m in mail.outbox if m.to == ["layla@affiliates.example"]][-1]
    assert "PP-123" in notice.body
    owner = Client()
    owner.force_login(shop.accounts_memberships.get().user)
    csv_text = owner.get(f"/en/dashboard/{shop.slug}/affiliates/payouts/{batch.pk}/csv/")
    assert csv_text["Content-Type"].startswith("text/csv")
    assert "LAYLA" in csv_text.content.decode()
    assert "PP-123" in csv_text.content.decode()

    with committed():
        checkout_services.refund(first)
    clawed = Commission.objects.get(order=first)
    assert (clawed.status, clawed.clawback_minor) == ("paid", clawed.amount_minor)
    del second
    # Nothing payable now (only the clawback): the payout is refused, nothing written.
    with pytest.raises(Exception, match="nothing to pay"):
        services.pay_batch(shop, [affiliate], method="bank", reference="IBAN-1")
    assert batch.__class__.objects.count() == 1


def test_many_sales_from_one_network_are_flagged(shop: Any, product: Any, affiliate: Any) -> None:
    client = Client(REMOTE_ADDR="198.51.100.9")
    orders = []
    for n in range(3):
        client.get(f"/ar/s/{shop.slug}/?ref=LAYLA", HTTP_USER_AGENT=f"browser {n}")
        orders.append(buy(client, shop, product, email=f"buyer{n}@customers.example"))
    flagged = [Commission.objects.get(order=o).flagged for o in orders]
    assert flagged == [False, False, True]
    reason = Commission.objects.get(order=orders[-1]).flag_reason
    assert "one network address" in reason
    owner = Client()
    owner.force_login(shop.accounts_memberships.get().user)
    page = owner.get(f"/en/dashboard/{shop.slug}/affiliates/").content.decode()
    assert "one network address" in page


@pytest.mark.django_db(transaction=True)
def test_referral_through_the_async_stack(shop: Any, affiliate: Any) -> None:
    """Under ASGI (how `dukkan serve` runs) the middleware records the click the same way."""
    from asgiref.sync import async_to_sync
    from django.test import AsyncClient

    response = async_to_sync(AsyncClient().get)(f"/en/s/{shop.slug}/?ref=LAYLA")
    assert response.status_code == 200
    assert (
        referral.parse(response.cookies[referral.COOKIE_NAME].value)[shop.pk].last_code == "LAYLA"
    )
    assert Click.objects.filter(affiliate=affiliate).count() == 1
