"""The seller's promotions pages: bad input first (clear messages, nothing written), then the
coupon list, edit, batches with CSV, sales and offers; agents and strangers are refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from dukkan.accounts import services as account_services
from dukkan.accounts.models import Membership, Role
from dukkan.promotions.models import Coupon, CouponBatch, CrossSell, StoreSale, UpgradePath, Upsell
from dukkan.promotions.services import create_coupon

pytestmark = pytest.mark.django_db


def _owner_client(store: Any) -> Client:
    client = Client()
    client.force_login(Membership.objects.get(store=store, role=Role.OWNER).user)
    return client


def _base(store: Any, language: str = "en") -> str:
    return f"/{language}/dashboard/{store.slug}/promotions/"


GOOD = {
    "code": "EID25",
    "label": "Eid",
    "kind": "percent",
    "percent": "25",
    "amount": "",
    "min_order": "",
    "audience": "everyone",
    "max_uses": "",
    "max_uses_per_customer": "",
    "starts_at": "",
    "ends_at": "",
}


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"code": "EID 25!"}, "code", "Latin letters"),
        ({"code": "عيد٢٥"}, "code", "Latin letters"),
        ({"percent": "150"}, "percent", "at most 100%"),
        ({"percent": "-5"}, "percent", "cannot be negative"),
        ({"percent": "0"}, "percent", "more than zero"),
        ({"percent": "abc"}, "percent", "like 20 or 12.5"),
        ({"percent": ""}, "percent", "Enter a percentage"),
        ({"kind": "fixed", "percent": "", "amount": "-3"}, "amount", "cannot be negative"),
        ({"kind": "fixed", "percent": "", "amount": ""}, "amount", "Enter an amount"),
        (
            {"starts_at": "2026-12-10T10:00", "ends_at": "2026-12-01T10:00"},
            "ends_at",
            "after the start",
        ),
        ({"max_uses": "0"}, "max_uses", "greater than or equal to 1"),
    ],
)
def test_bad_coupons_are_refused_and_nothing_is_written(
    shop: Any, changes: dict[str, str], field: str, words: str
) -> None:
    client = _owner_client(shop)
    response = client.post(_base(shop) + "coupons/new/", {**GOOD, **changes})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert words in " ".join(errors[field])
    assert words in response.content.decode().replace("&#x27;", "'")
    assert not Coupon.objects.exists()


def test_a_duplicate_code_in_another_case_is_refused(shop: Any) -> None:
    create_coupon(shop, code="EID25", kind="percent", value=1000)
    response = _owner_client(shop).post(_base(shop) + "coupons/new/", {**GOOD, "code": "eid25"})
    assert response.status_code == 400
    assert "already has a coupon" in " ".join(response.context["form"].errors["code"])
    assert Coupon.objects.count() == 1


def test_create_list_edit_and_switch_off(shop: Any, product: Any) -> None:
    client = _owner_client(shop)
    created = client.post(
        _base(shop) + "coupons/new/",
        {
            **GOOD,
            "code": "eid25",
            "min_order": "50",
            "max_uses": "100",
            "starts_at": "2026-01-01T00:00",
            "ends_at": "2030-01-01T00:00",
            "products": [str(product.pk)],
        },
    )
    assert created.status_code == 302
    coupon = Coupon.objects.get(code="EID25")
    assert (coupon.value, coupon.min_order_minor, coupon.max_uses) == (2500, 5000, 100)
    assert list(coupon.products.all()) == [product]
    # The time was typed in the store's time zone (Asia/Riyadh, UTC+3).
    assert coupon.starts_at is not None
    assert coupon.starts_at.isoformat().startswith("2025-12-31T21:00")
    listing = client.get(_base(shop, "ar"))
    html = listing.content.decode()
    assert listing.status_code == 200
    assert "EID25" in html
    assert 'dir="rtl"' in html
    edit_url = _base(shop) + f"coupons/{coupon.pk}/"
    bad = client.post(edit_url, {**GOOD, "percent": "101", "is_active": "on"})
    assert bad.status_code == 400
    assert Coupon.objects.get(pk=coupon.pk).value == 2500
    saved = client.post(edit_url, {**GOOD, "percent": "12.5", "is_active": "on"})
    assert saved.status_code == 302
    assert Coupon.objects.get(pk=coupon.pk).value == 1250
    client.post(edit_url + "toggle/")
    assert Coupon.objects.get(pk=coupon.pk).is_active is False


def test_batch_generate_and_csv(shop: Any) -> None:
    client = _owner_client(shop)
    bad = client.post(
        _base(shop) + "batches/new/",
        {**GOOD, "label": "Launch", "count": "0", "code_prefix": "LAUNCH"},
    )
    assert bad.status_code == 400
    bad_prefix = client.post(
        _base(shop) + "batches/new/",
        {**GOOD, "label": "Launch", "count": "5", "code_prefix": "لانچ"},
    )
    assert bad_prefix.status_code == 400
    assert "prefix" in " ".join(bad_prefix.context["form"].errors["code_prefix"])
    assert not CouponBatch.objects.exists()
    made = client.post(
        _base(shop) + "batches/new/",
        {**GOOD, "label": "Launch list", "count": "500", "code_prefix": "launch"},
    )
    assert made.status_code == 302
    batch = CouponBatch.objects.get()
    assert Coupon.objects.filter(batch=batch, single_use=True, max_uses=1).count() == 500
    exported = client.get(_base(shop) + f"batches/{batch.pk}/codes.csv")
    assert exported["Content-Type"].startswith("text/csv")
    lines = exported.content.decode().strip().splitlines()
    assert len(lines) == 501
    assert lines[1].startswith("LAUNCH-")
    assert client.get(_base(shop) + f"batches/{batch.pk}/").status_code == 200


def test_sales_bad_input_then_a_sale(shop: Any) -> None:
    client = _owner_client(shop)
    url = _base(shop) + "sales/"
    for values, field in (
        ({"name": "", "percent": "20"}, "name"),
        ({"name": "Black Friday", "percent": "100"}, "percent"),
        ({"name": "Black Friday", "percent": "-1"}, "percent"),
    ):
        response = client.post(
            url, {"starts_at": "2026-11-27T00:00", "ends_at": "2026-11-30T00:00", **values}
        )
        assert response.status_code == 400
        assert field in response.context["form"].errors
    reversed_dates = client.post(
        url,
        {
            "name": "Black Friday",
            "percent": "30",
            "starts_at": "2026-11-30T00:00",
            "ends_at": "2026-11-27T00:00",
        },
    )
    assert reversed_dates.status_code == 400
    assert not StoreSale.objects.exists()
    saved = client.post(
        url,
        {
            "name": "Black Friday",
            "percent": "30",
            "starts_at": "2026-11-27T00:00",
            "ends_at": "2026-11-30T00:00",
            "is_active": "on",
        },
    )
    assert saved.status_code == 302
    assert StoreSale.objects.get().percent_bp == 3000


def test_offers_bad_input_then_each_kind(shop: Any, product: Any, make_product: Any) -> None:
    other = make_product(shop, title="الدورة", price_minor=20000)
    client = _owner_client(shop)
    url = _base(shop) + "offers/"
    same = client.post(
        url,
        {"form": "cross", "cross-product": product.pk, "cross-offer": product.pk},
    )
    assert same.status_code == 400
    over = client.post(
        url,
        {
            "form": "upsell",
            "upsell-offer": other.pk,
            "upsell-discount": "120",
            "upsell-valid_hours": "24",
        },
    )
    assert over.status_code == 400
    assert not CrossSell.objects.exists()
    assert not Upsell.objects.exists()
    assert (
        client.post(
            url,
            {
                "form": "cross",
                "cross-product": product.pk,
                "cross-offer": other.pk,
                "cross-discount": "25",
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            url,
            {
                "form": "upsell",
                "upsell-product": "",
                "upsell-offer": other.pk,
                "upsell-discount": "40",
                "upsell-valid_hours": "24",
                "upsell-headline": "أضف الدورة بخصم ٤٠٪ اليوم فقط",
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            url,
            {"form": "upgrade", "upgrade-from_product": product.pk, "upgrade-to_product": other.pk},
        ).status_code
        == 302
    )
    assert CrossSell.objects.get().discount_bp == 2500
    assert Upsell.objects.get().product is None
    assert UpgradePath.objects.count() == 1
    page = client.get(_base(shop, "fa") + "offers/")
    assert page.status_code == 200
    assert "الدورة" in page.content.decode()


def test_agents_and_strangers_are_refused(shop: Any, make_user: Any, make_store: Any) -> None:
    agent = make_user()
    account_services.add_member(store=shop, user=agent, role=Role.AGENT)
    client = Client()
    client.force_login(agent)
    assert client.get(_base(shop)).status_code == 403
    stranger = make_user()
    make_store(owner=stranger)
    client.force_login(stranger)
    assert client.get(_base(shop)).status_code == 404
    client.logout()
    assert client.get(_base(shop)).status_code == 302
