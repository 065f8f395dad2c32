"""Prices come from the server; VAT in integer minor units (SAR 2 decimals, IRR none)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from dukkan.checkout import services
from dukkan.checkout.forms import to_minor
from dukkan.checkout.models import SellingSettings


@pytest.mark.parametrize(
    ("amount", "rate", "included", "expected"),
    [
        (11500, 1500, True, (11500, 1500, 11500)),  # 115.00 SAR incl. 15% → 15.00 VAT
        (10000, 1500, True, (10000, 1304, 10000)),  # 100/1.15 = 86.9565 → 86.96; VAT 13.04
        (10000, 1500, False, (10000, 1500, 11500)),
        (999, 500, False, (999, 50, 1049)),  # 9.99 AED + 5% = 0.4995 → 0.50
        (999, 500, True, (999, 48, 999)),  # 9.99/1.05 = 9.514 → 9.51; VAT 0.48
        (4_900_000, 0, True, (4_900_000, 0, 4_900_000)),  # IRR, no VAT
        (4_900_001, 900, False, (4_900_001, 441_000, 5_341_001)),  # IRR 9%: 441000.09 → 441000
        (1, 1500, False, (1, 0, 1)),
        (0, 1500, True, (0, 0, 0)),
    ],
)
def test_vat(amount: int, rate: int, included: bool, expected: tuple[int, int, int]) -> None:
    totals = services.compute_totals(amount, rate, included)
    assert (totals.subtotal_minor, totals.tax_minor, totals.total_minor) == expected


@given(st.integers(0, 10**12), st.integers(0, 10_000), st.booleans())
def test_vat_invariants(amount: int, rate: int, included: bool) -> None:
    totals = services.compute_totals(amount, rate, included)
    assert totals.tax_minor >= 0
    if included:
        assert totals.total_minor == amount
        net = amount - totals.tax_minor
        assert abs(net * (10_000 + rate) - amount * 10_000) <= (10_000 + rate)  # within half a unit
    else:
        assert totals.total_minor == amount + totals.tax_minor
        assert abs(totals.tax_minor * 10_000 - amount * rate) <= 5_000


def test_amount_entry_in_major_units() -> None:
    assert to_minor("25", "SAR") == 2500
    assert to_minor("٢٥٫٥", "SAR") == 2550
    assert to_minor("۴۹۰۰۰", "IRR") == 490_000  # toman → rial
    assert to_minor("1,000.5", "USD") == 100050
    for bad in ("abc", "-1", "1.234", "NaN"):
        with pytest.raises(ValidationError):
            to_minor(bad, "USD")


@pytest.mark.django_db
def test_server_prices_win(shop: Any, make_product: Any) -> None:
    product = make_product(shop, price_minor=5000, compare_at_minor=8000)
    order = services.start_checkout(
        shop, product, email="a@example.com", provider="test", amount_minor=1, quantity=7
    )
    line = order.lines.get()
    assert (line.unit_price_minor, line.quantity, order.total_minor) == (5000, 1, 5000)
    assert order.tax_minor == 652  # 50/1.15 = 43.478 → 43.48; VAT 6.52


@pytest.mark.django_db
def test_sale_price_inside_its_window(shop: Any, make_product: Any) -> None:
    now = timezone.now()
    product = make_product(
        shop,
        price_minor=5000,
        sale_price_minor=3000,
        sale_starts_at=now - timedelta(hours=1),
        sale_ends_at=now + timedelta(hours=1),
    )
    order = services.start_checkout(shop, product, email="a@example.com", provider="test")
    assert order.total_minor == 3000


@pytest.mark.django_db
def test_pay_what_you_want(shop: Any, make_product: Any) -> None:
    product = make_product(shop, price_minor=2000, pay_what_you_want=True, min_price_minor=1000)
    order = services.start_checkout(
        shop, product, email="a@example.com", provider="test", amount_minor=1500
    )
    assert order.total_minor == 1500
    with pytest.raises(ValidationError, match="minimum"):
        services.start_checkout(
            shop, product, email="a@example.com", provider="test", amount_minor=999
        )
    with pytest.raises(ValidationError):
        services.start_checkout(
            shop, product, email="a@example.com", provider="test", amount_minor=10**15
        )
    default = services.start_checkout(shop, product, email="a@example.com", provider="test")
    assert default.total_minor == 2000


@pytest.mark.django_db
def test_exclusive_vat_and_software_quantity(make_store: Any, make_product: Any) -> None:
    store = make_store(currency="USD")
    SellingSettings.objects.create(
        store=store, vat_rate_bp=500, prices_include_tax=False, providers=["test"]
    )
    app = make_product(store, title="Cedar Notes", kind="software", price_minor=1999)
    order = services.start_checkout(store, app, email="j@example.com", provider="test", quantity=3)
    assert (order.subtotal_minor, order.tax_minor, order.total_minor) == (5997, 300, 6297)
    book = make_product(store, title="Guide", price_minor=1000)
    single = services.start_checkout(
        store, book, email="j@example.com", provider="test", quantity=3
    )
    assert single.lines.get().quantity == 1


@pytest.mark.django_db
def test_refusals(shop: Any, make_product: Any, make_store: Any) -> None:
    product = make_product(shop)
    draft = make_product(shop, title="draft", visibility="draft")
    with pytest.raises(ValidationError, match="email"):
        services.start_checkout(shop, product, email="not-an-email", provider="test")
    with pytest.raises(ValidationError, match="not for sale"):
        services.start_checkout(shop, draft, email="a@example.com", provider="test")
    with pytest.raises(ValidationError, match="payment method"):
        services.start_checkout(shop, product, email="a@example.com", provider="stripe")
    other = make_store()
    with pytest.raises(ValidationError, match="not for sale"):
        services.start_checkout(other, product, email="a@example.com", provider="test")


@pytest.mark.django_db
def test_checkout_upserts_the_contact_and_numbers_orders(shop: Any, product: Any) -> None:
    from dukkan.crm.selectors import contact_by_email

    first = services.start_checkout(
        shop, product, email="Noura@Example.com", name="نورة", language="ar", provider="test"
    )
    second = services.start_checkout(shop, product, email="noura@example.com", provider="test")
    contact = contact_by_email(shop, "noura@example.com")
    assert contact is not None
    assert contact.name == "نورة"
    assert first.contact == second.contact == contact
    assert int(second.number) > int(first.number) >= 1001
