"""Products, slugs, prices, versions and copies, on the real database."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, connections
from django.utils import timezone

from dukkan.catalog import selectors, services
from dukkan.catalog.models import FileVersion, Product, ProductKind
from dukkan.catalog.storage import private_storage

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(make_store: Callable[..., Any]) -> Any:
    return make_store(currency="SAR", default_language="ar")


def test_arabic_and_persian_titles_get_unicode_slugs(store: Any) -> None:
    arabic = services.create_product(store, title="فنّ الخطّ العربيّ", price_minor=4900)
    persian = services.create_product(store, title="افزونه‌ی فرم‌ساز وردپرس", price_minor=1)
    assert arabic.slug == "فن-الخط-العربي"
    assert persian.slug == "افزونه-ی-فرم-ساز-وردپرس"
    again = services.create_product(store, title="فنّ الخطّ العربيّ", price_minor=4900)
    assert again.slug == "فن-الخط-العربي-2"
    assert services.create_product(store, title="!!!", price_minor=0).slug == "product"


def test_a_taken_address_is_refused_and_nothing_saved(store: Any) -> None:
    services.create_product(store, title="One", slug="one", price_minor=100)
    with pytest.raises(ValidationError) as caught:
        services.create_product(store, title="Two", slug="one", price_minor=100)
    assert "slug" in caught.value.message_dict
    assert Product.objects.filter(store=store).count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"compare_at_minor": 500}, "compare_at_minor"),
        ({"pay_what_you_want": True, "min_price_minor": 2000}, "min_price_minor"),
        ({"sale_price_minor": 1500}, "sale_price_minor"),
        (
            {
                "sale_price_minor": 500,
                "sale_starts_at": timezone.now(),
                "sale_ends_at": timezone.now() - timedelta(days=1),
            },
            "sale_ends_at",
        ),
        ({"sale_ends_at": timezone.now()}, "sale_price_minor"),
        ({"title": ""}, "title"),
    ],
)
def test_inconsistent_prices_are_refused(store: Any, fields: dict[str, Any], field: str) -> None:
    data = {"title": "Book", "price_minor": 1000, **fields}
    with pytest.raises(ValidationError) as caught:
        services.create_product(store, **data)
    assert field in caught.value.message_dict
    assert not Product.objects.filter(store=store).exists()


def test_sale_price_applies_only_inside_its_window(store: Any) -> None:
    now = timezone.now()
    product = services.create_product(
        store,
        title="Book",
        price_minor=10000,
        compare_at_minor=12000,
        sale_price_minor=7500,
        sale_starts_at=now,
        sale_ends_at=now + timedelta(days=3),
    )
    before = selectors.price_of(product, now - timedelta(seconds=1))
    assert (before.amount_minor, before.on_sale, before.compare_at_minor) == (10000, False, 12000)
    during = selectors.price_of(product, now + timedelta(days=1))
    assert (during.amount_minor, during.on_sale, during.compare_at_minor) == (7500, True, 12000)
    assert during.sale_ends_at == product.sale_ends_at
    assert during.currency == "SAR"
    after = selectors.price_of(product, now + timedelta(days=3))
    assert (after.amount_minor, after.on_sale, after.sale_ends_at) == (10000, False, None)


def test_new_upload_becomes_current_and_old_versions_stay(store: Any) -> None:
    product = services.create_product(store, title="Plugin", price_minor=100)
    first = services.add_file(product, ContentFile(b"v1 bytes", name="plugin.zip"), label="1.0")
    second = services.add_file(product, ContentFile(b"v2 bytes!", name="plugin.zip"), label="1.1")
    assert first.product_file_id == second.product_file_id
    product_file = first.product_file
    assert selectors.current_version(product_file) == second
    assert [v.label for v in selectors.versions_of(product_file)] == ["1.1", "1.0"]
    assert FileVersion.objects.filter(product_file=product_file).count() == 2
    assert second.size == 9
    assert second.content_type == "application/zip"
    assert len(second.sha256) == 64
    assert private_storage().open(str(first.upload.name)).read() == b"v1 bytes"
    with pytest.raises(ValueError, match="no public URL"):
        first.upload.url  # noqa: B018  private files have no public address


def test_bundle_expands_to_its_items_files(store: Any) -> None:
    one = services.create_product(store, title="One", price_minor=100)
    two = services.create_product(store, title="Two", price_minor=100)
    services.add_file(one, ContentFile(b"1", name="one.pdf"))
    services.add_file(two, ContentFile(b"2", name="two.pdf"))
    bundle = services.create_product(store, title="Both", kind=ProductKind.BUNDLE, price_minor=150)
    services.set_bundle_items(bundle, [one, two])
    assert [f.title for f in selectors.deliverable_files(bundle)] == ["one.pdf", "two.pdf"]
    with pytest.raises(ValidationError):
        services.set_bundle_items(bundle, [bundle])
    with pytest.raises(ValidationError):
        services.set_bundle_items(one, [two])


def test_reserve_and_release_respect_the_limit(store: Any) -> None:
    product = services.create_product(store, title="Launch", price_minor=100, quantity_limit=3)
    assert services.reserve_copies(product, 2)
    assert not services.reserve_copies(product, 2)
    assert services.reserve_copies(product, 1)
    assert not services.reserve_copies(product, 1)
    product.refresh_from_db()
    assert selectors.remaining_quantity(product) == 0
    services.release_copies(product, 1)
    product.refresh_from_db()
    assert selectors.remaining_quantity(product) == 1
    unlimited = services.create_product(store, title="Open", price_minor=100)
    assert all(services.reserve_copies(unlimited) for _ in range(5))
    unlimited.refresh_from_db()
    assert selectors.sales_count(unlimited) == 5
    assert selectors.remaining_quantity(unlimited) is None


@pytest.mark.django_db(transaction=True)
def test_two_hundred_concurrent_reservations_sell_exactly_fifty(store: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite lets one writer in at a time, so no race can happen there; runs in CI's PostgreSQL pass"
        )
    product = services.create_product(store, title="Launch", price_minor=100, quantity_limit=50)
    # 40 connections (PostgreSQL allows 100 in all), each buying 5 times: 200 checkouts.
    barrier = threading.Barrier(40)
    results: list[bool] = []
    lock = threading.Lock()

    def buy() -> None:
        try:
            barrier.wait(timeout=60)
            for _ in range(5):
                won = services.reserve_copies(product, 1)
                with lock:
                    results.append(won)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=buy) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    product.refresh_from_db()
    assert len(results) == 200
    assert results.count(True) == 50
    assert product.quantity_sold == 50


def test_an_edit_never_overwrites_copies_sold_meanwhile(store: Any) -> None:
    product = services.create_product(store, title="Launch", price_minor=100, quantity_limit=10)
    stale = Product.objects.get(pk=product.pk)  # the editor read the row before the sales
    assert services.reserve_copies(product, 3)
    services._save(stale, {"title": "Launch edition"})
    product.refresh_from_db()
    assert product.title == "Launch edition"
    assert product.quantity_sold == 3
