"""Coupons: an owner's bad terms are refused whole; a buyer is told why a code does not apply;
uses are counted with the order and given back when it fails or is cancelled."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dukkan.checkout import services as checkout
from dukkan.checkout.models import Order, OrderStatus
from dukkan.promotions.models import Coupon, CouponBatch, Redemption, RedemptionStatus
from dukkan.promotions.services import CouponError, batch_csv, create_coupon, generate_batch

pytestmark = pytest.mark.django_db


def _buy(
    store: Any, product: Any, code: str = "", email: str = "noura@example.com", **kw: Any
) -> Order:
    return checkout.start_checkout(
        store, product, email=email, provider="test", coupon_code=code, **kw
    )


def _paid(order: Order) -> Order:
    return checkout.mark_paid(
        order,
        provider="test",
        reference=f"ref-{order.number}",
        amount_minor=order.total_minor,
        currency=order.currency,
    )


def _refused(store: Any, product: Any, code: str, email: str = "noura@example.com") -> str:
    before = Order.objects.count()
    with pytest.raises(CouponError) as caught:
        _buy(store, product, code, email=email)
    assert Order.objects.count() == before  # nothing half-written
    return caught.value.messages[0]


# ----------------------------------------------------------------- the owner's bad input


@pytest.mark.parametrize(
    ("terms", "field", "words"),
    [
        ({"code": "RAMA DAN"}, "code", "Latin letters"),
        ({"code": "رمضان٢٠"}, "code", "Latin letters"),
        ({"code": "A!B$C"}, "code", "Latin letters"),
        ({"code": "-LEADING"}, "code", "starts with a letter"),
        ({"code": "AB"}, "code", "3 to 64"),
        ({"code": "X" * 65}, "code", "3 to 64"),
        ({"value": -500}, "value", "more than zero"),
        ({"value": 0}, "value", "more than zero"),
        ({"value": 10_001}, "value", "at most 100%"),
        ({"kind": "fixed", "value": -1}, "value", "more than zero"),
        ({"kind": "fixed", "currency": "XYZ"}, "currency", "ISO 4217"),
        ({"kind": "bogus"}, "kind", "percentage or a fixed amount"),
        ({"max_uses": 0}, "max_uses", "at least 1"),
        ({"max_uses_per_customer": -2}, "max_uses_per_customer", "at least 1"),
        ({"min_order_minor": -100}, "min_order_minor", "cannot be negative"),
        ({"audience": "friends"}, "audience", "who may use"),
    ],
)
def test_bad_terms_are_refused_with_a_clear_message(
    shop: Any, terms: dict[str, Any], field: str, words: str
) -> None:
    values: dict[str, Any] = {"code": "GOOD10", "kind": "percent", "value": 1000, **terms}
    with pytest.raises(ValidationError) as caught:
        create_coupon(shop, **values)
    assert field in caught.value.message_dict
    assert words in " ".join(caught.value.message_dict[field])
    assert not Coupon.objects.exists()


def test_an_end_before_the_start_and_naive_times_are_refused(shop: Any) -> None:
    now = timezone.now()
    with pytest.raises(ValidationError) as caught:
        create_coupon(
            shop,
            code="SOON",
            kind="percent",
            value=1000,
            starts_at=now,
            ends_at=now - timedelta(hours=1),
        )
    assert "after the start" in caught.value.message_dict["ends_at"][0]
    with pytest.raises(ValidationError) as caught:
        create_coupon(
            shop, code="NAIVE", kind="percent", value=1000, ends_at=now.replace(tzinfo=None)
        )
    assert "time zone" in caught.value.message_dict["ends_at"][0]
    assert not Coupon.objects.exists()


def test_codes_are_case_insensitive_and_unique_per_store(
    shop: Any, product: Any, make_store: Any
) -> None:
    create_coupon(shop, code="  ramadan20 ", kind="percent", value=2000)
    with pytest.raises(ValidationError) as caught:
        create_coupon(shop, code="RAMADAN20", kind="percent", value=1000)
    assert "already has a coupon" in caught.value.message_dict["code"][0]
    # Another store may use the same code.
    create_coupon(make_store(), code="RAMADAN20", kind="percent", value=1000)
    # Buyers type it in any case, with Arabic-Indic or Persian digits.
    for typed in ("ramadan20", "Ramadan٢٠", "RAMADAN۲۰"):
        order = _buy(shop, product, typed)
        assert order.coupon_code == "RAMADAN20"
        assert order.discount_minor == 2000


def test_products_of_another_store_are_refused(
    shop: Any, make_store: Any, make_product: Any
) -> None:
    foreign = make_product(make_store(), title="Foreign")
    with pytest.raises(ValidationError) as caught:
        create_coupon(shop, code="MINE", kind="percent", value=1000, product_ids=[foreign.pk])
    assert "this store" in caught.value.message_dict["product_ids"][0]
    assert not Coupon.objects.exists()


# ------------------------------------------------------------------ why a code does not apply


def test_unknown_and_switched_off_codes(shop: Any, product: Any) -> None:
    assert "not a valid coupon" in _refused(shop, product, "NOPE")
    coupon = create_coupon(shop, code="OFFNOW", kind="percent", value=1000)
    Coupon.objects.filter(pk=coupon.pk).update(is_active=False)
    assert "not a valid coupon" in _refused(shop, product, "offnow")


def test_not_started_and_expired(shop: Any, product: Any) -> None:
    now = timezone.now()
    create_coupon(shop, code="LATER", kind="percent", value=1000, starts_at=now + timedelta(days=2))
    create_coupon(
        shop,
        code="GONE",
        kind="percent",
        value=1000,
        starts_at=now - timedelta(days=5),
        ends_at=now - timedelta(days=1),
    )
    assert "not valid yet" in _refused(shop, product, "LATER")
    assert "expired" in _refused(shop, product, "GONE")


def test_used_up(shop: Any, product: Any) -> None:
    create_coupon(shop, code="TWICE", kind="percent", value=1000, max_uses=2)
    _buy(shop, product, "TWICE", email="a@example.com")
    _buy(shop, product, "TWICE", email="b@example.com")
    assert "used up" in _refused(shop, product, "TWICE", email="c@example.com")
    assert Coupon.objects.get(code="TWICE").uses == 2


def test_chosen_products_and_exclusions(shop: Any, product: Any, make_product: Any) -> None:
    other = make_product(shop, title="كتاب آخر", price_minor=4000)
    create_coupon(shop, code="ONLYOTHER", kind="percent", value=1000, product_ids=[other.pk])
    create_coupon(
        shop, code="NOTTHIS", kind="percent", value=1000, excluded_product_ids=[product.pk]
    )
    assert "not for this product" in _refused(shop, product, "ONLYOTHER")
    assert "not for this product" in _refused(shop, product, "NOTTHIS")
    assert _buy(shop, other, "ONLYOTHER").discount_minor == 400
    assert _buy(shop, other, "NOTTHIS", email="x@example.com").discount_minor == 400


def test_minimum_order(shop: Any, product: Any) -> None:
    create_coupon(shop, code="BIGONLY", kind="percent", value=1000, min_order_minor=20000)
    message = _refused(shop, product, "BIGONLY")
    assert "at least" in message
    assert "200" in message  # SAR 200.00, formatted


def test_first_purchase_and_existing_customers(shop: Any, product: Any, make_product: Any) -> None:
    create_coupon(shop, code="WELCOME", kind="percent", value=1000, audience="first_purchase")
    create_coupon(shop, code="LOYAL", kind="percent", value=1500, audience="existing_customers")
    assert "existing customers" in _refused(shop, product, "LOYAL", email="new@example.com")
    first = _buy(shop, product, "WELCOME", email="new@example.com")
    assert first.discount_minor == 1000
    _paid(first)
    assert "first purchase" in _refused(shop, product, "WELCOME", email="new@example.com")
    second = _buy(shop, make_product(shop, title="ثان"), "LOYAL", email="NEW@example.com")
    assert second.discount_minor == 1500


def test_per_customer_limit(shop: Any, product: Any) -> None:
    create_coupon(shop, code="ONCEEACH", kind="percent", value=1000, max_uses_per_customer=1)
    _buy(shop, product, "ONCEEACH", email="sara@example.com")
    assert "already used this coupon" in _refused(
        shop, product, "ONCEEACH", email="sara@example.com"
    )
    assert _buy(shop, product, "ONCEEACH", email="omar@example.com").discount_minor == 1000


def test_sale_prices_and_stacking(shop: Any, make_product: Any) -> None:
    now = timezone.now()
    on_sale = make_product(
        shop,
        title="تخفيض",
        price_minor=10000,
        sale_price_minor=8000,
        sale_starts_at=now - timedelta(hours=1),
        sale_ends_at=now + timedelta(days=1),
    )
    create_coupon(shop, code="PLAIN", kind="percent", value=1000)
    create_coupon(shop, code="STACKS", kind="percent", value=1000, stackable=True)
    assert "combined with a sale price" in _refused(shop, on_sale, "PLAIN")
    order = _buy(shop, on_sale, "STACKS")
    assert (order.subtotal_minor, order.discount_minor, order.total_minor) == (8000, 800, 7200)


# --------------------------------------------------------------------- amounts and VAT


def test_fixed_amount_is_capped_at_the_order_and_vat_is_on_the_discounted_amount(
    make_store: Any, make_product: Any
) -> None:
    from dukkan.checkout.models import SellingSettings

    store = make_store(currency="USD", default_language="en")
    SellingSettings.objects.update_or_create(
        store=store,
        defaults={"vat_rate_bp": 2000, "prices_include_tax": False, "providers": ["test"]},
    )
    product = make_product(store, title="Course", price_minor=5000)
    create_coupon(store, code="TENOFF", kind="fixed", value=1000)
    create_coupon(store, code="HUGE", kind="fixed", value=999_999)
    order = _buy(store, product, "TENOFF")
    # Exclusive VAT 20 % on 40.00 = 8.00 added.
    assert (order.subtotal_minor, order.discount_minor, order.tax_minor, order.total_minor) == (
        5000,
        1000,
        800,
        4800,
    )
    free = _buy(store, product, "huge", email="b@example.com")
    assert (free.discount_minor, free.total_minor) == (5000, 0)


def test_a_fixed_coupon_in_another_currency_does_not_apply(shop: Any, product: Any) -> None:
    create_coupon(shop, code="DOLLARS", kind="fixed", value=500, currency="USD")
    assert "orders in USD" in _refused(shop, product, "DOLLARS")


def test_a_line_refund_pays_back_what_was_paid(shop: Any, product: Any) -> None:
    create_coupon(shop, code="HALF", kind="percent", value=5000)
    order = _paid(_buy(shop, product, "HALF"))
    line = order.lines.get()
    assert checkout.line_refund_amount(order, line) == 5000
    made = checkout.refund(order, lines=[line], reason="changed mind")
    assert made.amount_minor == 5000
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED


# ----------------------------------------------------------------- counting uses


def test_a_failed_or_cancelled_order_gives_its_use_back_and_a_late_payment_takes_it(
    shop: Any, product: Any
) -> None:
    coupon = create_coupon(shop, code="LAUNCH", kind="percent", value=1000, max_uses=1)
    order = _buy(shop, product, "LAUNCH")
    assert Coupon.objects.get(pk=coupon.pk).uses == 1
    assert "used up" in _refused(shop, product, "LAUNCH", email="other@example.com")
    checkout.mark_failed(order, provider="test", reason="declined")
    assert Coupon.objects.get(pk=coupon.pk).uses == 0
    assert Redemption.objects.get(order=order).status == RedemptionStatus.RELEASED
    second = _buy(shop, product, "LAUNCH", email="other@example.com")
    checkout.cancel(second, note="buyer gave up")
    assert Coupon.objects.get(pk=coupon.pk).uses == 0
    # The first buyer's bank paid after all: the use counts again.
    paid = _paid(order)
    assert paid.is_paid
    assert Coupon.objects.get(pk=coupon.pk).uses == 1
    assert Redemption.objects.get(order=order).status == RedemptionStatus.CONFIRMED


def test_payment_confirms_the_use(
    shop: Any, product: Any, django_capture_on_commit_callbacks: Any
) -> None:
    create_coupon(shop, code="CONFIRM", kind="percent", value=1000)
    with django_capture_on_commit_callbacks(execute=True):
        order = _paid(_buy(shop, product, "CONFIRM"))
    assert Redemption.objects.get(order=order).status == RedemptionStatus.CONFIRMED


# ---------------------------------------------------------------------- batches


def test_five_hundred_single_use_codes_with_csv(shop: Any, product: Any) -> None:
    batch = generate_batch(
        shop, count=500, prefix="launch", label="Launch list", kind="percent", value=2500
    )
    codes = list(Coupon.objects.filter(batch=batch).values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 500
    assert all(code.startswith("LAUNCH-") for code in codes)
    rows = list(csv.reader(io.StringIO(batch_csv(batch))))
    assert rows[0] == ["code", "used", "active"]
    assert len(rows) == 501
    code = codes[0]
    assert _buy(shop, product, code.lower()).discount_minor == 2500
    assert "used up" in _refused(shop, product, code, email="second@example.com")
    used = {row[0]: row[1] for row in csv.reader(io.StringIO(batch_csv(batch)))}
    assert used[code] == "yes"


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        ({"count": 0}, "count"),
        ({"count": 10_001}, "count"),
        ({"prefix": "BAD PREFIX"}, "prefix"),
        ({"label": "  "}, "label"),
        ({"value": 20_000}, "value"),
    ],
)
def test_bad_batches_write_nothing(shop: Any, terms: dict[str, Any], field: str) -> None:
    values: dict[str, Any] = {
        "count": 10,
        "prefix": "EID",
        "label": "Eid list",
        "kind": "percent",
        "value": 1000,
        **terms,
    }
    with pytest.raises(ValidationError) as caught:
        generate_batch(shop, **values)
    assert field in caught.value.message_dict
    assert not Coupon.objects.exists()
    assert not CouponBatch.objects.exists()
