"""Codes, cross-sells, upsells and upgrades through the real storefront pages (Arabic)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dukkan.catalog.selectors import price_of
from dukkan.checkout import services as checkout
from dukkan.checkout.models import Order, OrderStatus, SellingSettings
from dukkan.delivery.tokens import make_purchases_token
from dukkan.promotions import services as promotions
from dukkan.promotions.models import Coupon
from dukkan.promotions.offers import Offer, make_offer

pytestmark = pytest.mark.django_db


def _checkout_url(store: Any, product: Any, language: str = "ar") -> str:
    return f"/{language}/s/{store.slug}/checkout/{product.slug}/"


def _post(client: Client, store: Any, product: Any, **data: Any) -> Any:
    payload = {"email": "noura@customers.example", "name": "نورة", "provider": "test", **data}
    return client.post(_checkout_url(store, product), payload)


def _pay(client: Client, response: Any) -> Order:
    """Follow the test provider's pay page and choose success."""
    assert response.status_code == 302, response.content.decode()[:2000]
    done = client.post(response["Location"], {"choice": "success"})
    assert done.status_code == 302
    token = done["Location"].rstrip("/").split("/")[-1]
    return Order.objects.get(token=token)


def test_buy_with_a_code_in_arabic(shop: Any, product: Any) -> None:
    promotions.create_coupon(shop, code="RAMADAN20", kind="percent", value=2000)
    client = Client()
    page = client.get(_checkout_url(shop, product))
    html = page.content.decode()
    assert 'name="coupon"' in html
    assert 'name="marketing_consent"' in html
    assert 'name="marketing_consent" checked' not in html  # unticked by default
    order = _pay(client, _post(client, shop, product, coupon="ramadan٢٠"))
    assert order.status in (OrderStatus.PAID, OrderStatus.FULFILLED)
    assert (order.discount_minor, order.total_minor, order.coupon_code) == (2000, 8000, "RAMADAN20")
    assert order.marketing_consent is False
    shown = client.get(f"/ar/s/{shop.slug}/checkout/order/{order.token}/").content.decode()
    assert "RAMADAN20" in shown
    assert "80.00" in shown or "٨٠" in shown


def test_a_code_that_does_not_apply_says_why_and_writes_nothing(shop: Any, product: Any) -> None:
    promotions.create_coupon(
        shop,
        code="OLDONE",
        kind="percent",
        value=2000,
        ends_at=timezone.now() - timedelta(days=1),
        starts_at=timezone.now() - timedelta(days=3),
    )
    client = Client()
    with translation.override("ar"):
        expired = _("This coupon expired on %(date)s.").split("%(date)s")[0]
        unknown = _("The code “%(code)s” is not a valid coupon of this store.").split("%(code)s")[
            -1
        ]
    for code, words in (("OLDONE", expired), ("bad code!", unknown)):
        response = _post(client, shop, product, coupon=code)
        assert response.status_code == 400
        html = response.content.decode()
        message = re.search(r'id="coupon-message">(.*?)</div>', html, re.S)
        assert message, html[:3000]
        assert words in message.group(1)
        assert 'dir="rtl"' in html
    assert not Order.objects.exists()
    assert Coupon.objects.get(code="OLDONE").uses == 0


def test_a_coupon_link_and_the_apply_button_show_the_discount_before_paying(
    shop: Any, product: Any
) -> None:
    promotions.create_coupon(shop, code="NOWRUZ1405", kind="percent", value=1500)
    client = Client()
    html = client.get(_checkout_url(shop, product) + "?coupon=nowruz1405").content.decode()
    assert 'value="nowruz1405"' in html or 'value="NOWRUZ1405"' in html
    assert "NOWRUZ1405" in html
    assert "promo-discount" in html
    applied = client.post(
        _checkout_url(shop, product),
        {"email": "", "coupon": "NOWRUZ1405", "apply": "1", "provider": "test"},
    )
    assert applied.status_code == 200  # a preview: the email may come later
    assert "promo-discount" in applied.content.decode()
    assert "This field is required" not in applied.content.decode()
    assert not Order.objects.exists()


def test_the_referral_cookie_and_consent_reach_the_order(shop: Any, product: Any) -> None:
    client = Client()
    client.cookies["dukkan_ref"] = "AFF42." + "x" * 300
    order = _pay(client, _post(client, shop, product, marketing_consent="on"))
    assert order.marketing_consent is True
    assert order.referral_code == ("AFF42." + "x" * 300)[:200]


def test_a_cross_sell_is_an_extra_line_with_the_bundle_discount(
    shop: Any, product: Any, make_product: Any
) -> None:
    extra = make_product(shop, title="كتيب التمارين", price_minor=4000)
    stranger = make_product(shop, title="غير معروض", price_minor=3000)
    promotions.add_cross_sell(shop, product_id=product.pk, offer_id=extra.pk, discount_bp=2500)
    client = Client()
    html = client.get(_checkout_url(shop, product)).content.decode()
    assert f'name="extras" value="{extra.pk}"' in html
    assert stranger.title not in html
    # A forged extra (not an offer of this product) is refused whole.
    forged = _post(client, shop, product, extras=[str(stranger.pk)])
    assert forged.status_code == 400
    assert not Order.objects.exists()
    order = _pay(client, _post(client, shop, product, extras=[str(extra.pk)]))
    lines = list(order.lines.order_by("pk"))
    assert [(line.product_id, line.discount_minor) for line in lines] == [
        (product.pk, 0),
        (extra.pk, 1000),
    ]
    assert (order.subtotal_minor, order.discount_minor, order.total_minor) == (14000, 1000, 13000)


def test_one_click_upsell_with_the_test_provider(
    shop: Any, product: Any, make_product: Any, django_capture_on_commit_callbacks: Any
) -> None:
    course = make_product(shop, title="الدورة المصورة", price_minor=20000)
    upsell = promotions.add_upsell(
        shop,
        product_id=product.pk,
        offer_id=course.pk,
        discount_bp=4000,
        valid_hours=24,
        headline="أضف الدورة المصورة بخصم ٤٠٪ اليوم فقط",
    )
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        order = _pay(client, _post(client, shop, product))
    page = client.get(f"/ar/s/{shop.slug}/checkout/order/{order.token}/").content.decode()
    action = f"/ar/s/{shop.slug}/offers/upsell/{order.token}/{upsell.pk}/"
    assert action in page
    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post(action)
    assert taken.status_code == 302
    new = Order.objects.exclude(pk=order.pk).get()
    assert new.is_paid
    assert (new.email, new.provider, new.total_minor, new.discount_minor) == (
        order.email,
        "test",
        12000,
        8000,
    )
    assert new.payments.get().status == "succeeded"
    # Taken once: the offer is gone, and asking again answers that it ended.
    assert (
        action
        not in client.get(f"/ar/s/{shop.slug}/checkout/order/{order.token}/").content.decode()
    )
    assert client.post(action).status_code == 410
    assert Order.objects.count() == 2


def test_an_upsell_the_provider_cannot_charge_again_is_a_prefilled_checkout(
    shop: Any, product: Any, make_product: Any, make_user: Any
) -> None:
    course = make_product(shop, title="الدورة", price_minor=20000)
    upsell = promotions.add_upsell(
        shop, product_id=None, offer_id=course.pk, discount_bp=4000, valid_hours=24
    )
    order = checkout.start_checkout(shop, product, email="sara@example.com", provider="manual")
    checkout.confirm_bank_transfer(order, by=make_user())
    client = Client()
    taken = client.post(f"/ar/s/{shop.slug}/offers/upsell/{order.token}/{upsell.pk}/")
    assert taken.status_code == 302
    parts = urlsplit(taken["Location"])
    assert unquote(parts.path) == _checkout_url(shop, course)
    token = parse_qs(parts.query)["offer"][0]
    page = client.get(taken["Location"]).content.decode()
    assert "sara@example.com" in page  # prefilled from the offer
    assert "promo-discount" in page
    # Another buyer cannot use it; a tampered token is refused; the real one locks 40 % off.
    other = _post(client, shop, course, email="x@example.com", offer=token, provider="manual")
    assert other.status_code == 400
    tampered = _post(
        client, shop, course, email="sara@example.com", offer=token[:-3] + "abc", provider="manual"
    )
    assert tampered.status_code == 400
    done = _post(client, shop, course, email="sara@example.com", offer=token, provider="manual")
    assert done.status_code == 302
    new = Order.objects.get(lines__product=course)
    assert (new.total_minor, new.discount_minor) == (12000, 8000)


def test_an_expired_offer_token_is_refused(shop: Any, product: Any) -> None:
    token = make_offer(
        shop,
        Offer(
            kind="upsell",
            product_id=product.pk,
            email="sara@example.com",
            order_id=1,
            discount_bp=5000,
            expires_at=int(timezone.now().timestamp()) - 10,
        ),
    )
    response = _post(Client(), shop, product, email="sara@example.com", offer=token)
    assert response.status_code == 400
    with translation.override("ar"):
        assert _("This offer has ended.") in response.content.decode()
    assert not Order.objects.exists()


def test_an_owner_upgrades_for_the_difference(shop: Any, make_product: Any) -> None:
    SellingSettings.objects.filter(store=shop).update(providers=["test", "manual"])
    personal = make_product(shop, title="Personal licence", price_minor=5000, kind="software")
    business = make_product(shop, title="Business licence", price_minor=15000, kind="software")
    path = promotions.add_upgrade(shop, from_product_id=personal.pk, to_product_id=business.pk)
    owner = "omar@example.com"
    first = checkout.start_checkout(shop, personal, email=owner, provider="test")
    checkout.mark_paid(
        first, provider="test", reference="r1", amount_minor=first.total_minor, currency="SAR"
    )
    client = Client()
    url = f"/en/s/{shop.slug}/offers/upgrade/{path.pk}/"
    # Not signed in to My purchases: told how to prove ownership.
    assert "My purchases" in client.get(url).content.decode()
    # A stranger's session is refused.
    stranger = Client()
    stranger.get(
        f"/en/s/{shop.slug}/purchases/open/{make_purchases_token(shop, 'eve@example.com')}/"
    )
    assert stranger.post(url).status_code == 403
    opened = client.get(f"/en/s/{shop.slug}/purchases/open/{make_purchases_token(shop, owner)}/")
    assert opened.status_code == 302
    purchases = client.get(opened["Location"]).content.decode()
    assert url in purchases  # offered under the order in My purchases
    page = client.get(url).content.decode()
    assert "100.00" in page  # 150 − 50
    go = client.post(url)
    assert go.status_code == 302
    done = client.post(
        go["Location"],
        {
            "email": owner,
            "provider": "test",
            "offer": parse_qs(urlsplit(go["Location"]).query)["offer"][0],
        },
    )
    assert done.status_code == 302
    new = Order.objects.get(lines__product=business)
    assert (new.subtotal_minor, new.discount_minor, new.total_minor) == (15000, 5000, 10000)


def test_a_store_wide_sale_prices_every_page_and_the_checkout(
    shop: Any, product: Any, make_product: Any
) -> None:
    kept = make_product(shop, title="خارج التخفيض", price_minor=10000)
    now = timezone.now()
    promotions.save_sale(
        shop,
        name="تخفيضات العيد",
        percent_bp=3000,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=2),
        excluded_product_ids=[kept.pk],
    )
    price = price_of(product)
    assert (price.amount_minor, price.on_sale, price.compare_at_minor) == (7000, True, 10000)
    assert price.sale_name == "تخفيضات العيد"
    assert price_of(kept).amount_minor == 10000
    page = Client().get(f"/ar/s/{shop.slug}/p/{product.slug}/")
    html = page.content.decode()
    assert "data-countdown" in html
    assert "تخفيضات العيد" in html
    client = Client()
    order = _pay(client, _post(client, shop, product))
    assert order.total_minor == 7000
