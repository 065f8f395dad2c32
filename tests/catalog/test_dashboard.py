"""The product dashboard: who may do what, and bad input that saves nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dukkan.catalog import selectors, services
from dukkan.catalog.models import FileVersion, Product, ProductKind, Visibility
from dukkan.catalog.storage import private_storage

pytestmark = pytest.mark.django_db


def _form(**overrides: Any) -> dict[str, Any]:
    data = {
        "kind": "file",
        "title": "تاريخ الأندلس",
        "slug": "",
        "summary": "ثمانية قرون",
        "description": "## الفصل الأول\nنص",
        "visibility": "published",
        "price": "55.00",
        "compare_at": "",
        "min_price": "",
        "sale_price": "",
        "sale_starts_at": "",
        "sale_ends_at": "",
        "quantity_limit": "",
        "cover_alt": "",
    }
    data.update(overrides)
    return data


def test_owner_creates_a_product_with_prices_in_riyals(owner_client: Client, shop: Any) -> None:
    response = owner_client.post(
        f"/en/dashboard/{shop.slug}/products/new/",
        _form(
            price="٥٥٫٠٠",  # Arabic-Indic digits, as a phone keyboard types them
            compare_at="70",
            sale_price="39.50",
            sale_starts_at="2030-01-01T09:00",
            sale_ends_at="2030-01-04T21:00",
            quantity_limit="100",
            show_sales_count="on",
        ),
    )
    assert response.status_code == 302
    product = Product.objects.get(store=shop)
    assert product.slug == "تاريخ-الأندلس"
    assert (product.price_minor, product.compare_at_minor, product.sale_price_minor) == (
        5500,
        7000,
        3950,
    )
    assert product.quantity_limit == 100
    assert product.show_sales_count
    # Typed in the store's time (Asia/Riyadh, UTC+3).
    assert product.sale_starts_at is not None
    assert product.sale_starts_at.isoformat() == "2030-01-01T06:00:00+00:00"
    assert response["Location"] == f"/en/dashboard/{shop.slug}/products/{product.pk}/"
    page = owner_client.get(response["Location"]).content.decode()
    assert 'value="55.00"' in page
    assert 'value="2030-01-01T09:00"' in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"price": "-5"}, "An amount cannot be negative."),
        ({"price": "abc"}, "Enter an amount like 49 or 49.99."),
        ({"price": "1.234"}, "Use at most 2 digits after the decimal point."),
        ({"price": ""}, "Enter an amount."),
        ({"compare_at": "40"}, "The compare-at price must be higher than the price."),
        (
            {"pay_what_you_want": "on", "min_price": "60"},
            "The minimum price cannot be above the suggested price.",
        ),
        ({"sale_price": "60"}, "The sale price must be lower than the regular price."),
        (
            {
                "sale_price": "40",
                "sale_starts_at": "2030-01-05T09:00",
                "sale_ends_at": "2030-01-04T09:00",
            },
            "The sale must end after it starts.",
        ),
        ({"quantity_limit": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"slug": "has space"}, "Enter a valid “slug”"),
        ({"title": ""}, "This field is required."),
    ],
)
def test_bad_input_is_explained_and_nothing_saved(
    owner_client: Client, shop: Any, overrides: dict[str, str], message: str
) -> None:
    response = owner_client.post(f"/en/dashboard/{shop.slug}/products/new/", _form(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Product.objects.filter(store=shop).exists()


def test_a_bad_edit_keeps_the_saved_product(owner_client: Client, shop: Any) -> None:
    product = services.create_product(shop, title="Book", price_minor=5000)
    url = f"/en/dashboard/{shop.slug}/products/{product.pk}/"
    response = owner_client.post(url, _form(title="Changed", price="50", compare_at="10"))
    assert response.status_code == 400
    product.refresh_from_db()
    assert product.title == "Book"
    response = owner_client.post(url, _form(title="Changed", price="50", compare_at="60"))
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.title, product.compare_at_minor) == ("Changed", 6000)


def test_rial_prices_are_typed_in_toman(
    make_store: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    owner = make_user()
    store = make_store(owner=owner, currency="IRR", default_language="fa")
    client = Client()
    client.force_login(owner)
    response = client.post(
        f"/fa/dashboard/{store.slug}/products/new/",
        _form(title="افزونه‌ی تاریخ شمسی", price="۴۹۰٬۰۰۰"),
    )
    assert response.status_code == 302
    product = Product.objects.get(store=store)
    assert product.price_minor == 4_900_000  # rials
    assert product.slug == "افزونه-ی-تاریخ-شمسی"


def test_agent_may_look_but_not_edit(agent_client: Client, shop: Any) -> None:
    product = services.create_product(shop, title="Book", price_minor=5000)
    base = f"/en/dashboard/{shop.slug}/products/"
    listing = agent_client.get(base)
    assert listing.status_code == 200
    assert "Book" in listing.content.decode()
    assert "New product" not in listing.content.decode()
    page = agent_client.get(f"{base}{product.pk}/")
    assert page.status_code == 200
    assert "<fieldset disabled>" in page.content.decode()
    assert agent_client.get(f"{base}new/").status_code == 403
    assert agent_client.post(f"{base}{product.pk}/", _form(title="Agent")).status_code == 403
    upload = SimpleUploadedFile("x.zip", b"zip")
    assert agent_client.post(f"{base}{product.pk}/files/", {"upload": upload}).status_code == 403
    product.refresh_from_db()
    assert product.title == "Book"
    assert not FileVersion.objects.exists()


def test_someone_else_gets_404(
    shop: Any, make_user: Callable[..., Any], make_store: Callable[..., Any]
) -> None:
    product = services.create_product(shop, title="Book", price_minor=5000)
    outsider = make_user()
    make_store(owner=outsider)
    client = Client()
    client.force_login(outsider)
    base = f"/en/dashboard/{shop.slug}/products/"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}{product.pk}/").status_code == 404
    assert client.post(f"{base}{product.pk}/", _form(title="Mine")).status_code == 404


def test_another_stores_product_id_is_404_for_an_owner(
    owner_client: Client, shop: Any, make_store: Callable[..., Any]
) -> None:
    other = make_store()
    theirs = services.create_product(other, title="Theirs", price_minor=100)
    response = owner_client.post(
        f"/en/dashboard/{shop.slug}/products/{theirs.pk}/", _form(title="Stolen")
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Theirs"


def test_upload_new_versions_and_see_them_listed(owner_client: Client, shop: Any) -> None:
    product = services.create_product(shop, title="Plugin", price_minor=5000)
    url = f"/en/dashboard/{shop.slug}/products/{product.pk}/files/"
    first = SimpleUploadedFile("plugin-1.0.zip", b"PK first")
    response = owner_client.post(url, {"upload": first, "title": "Plugin (zip)", "label": "1.0"})
    assert response.status_code == 302
    product_file = product.files.get()
    second = SimpleUploadedFile("plugin-1.1.zip", b"PK second")
    response = owner_client.post(
        url, {"upload": second, "product_file": str(product_file.pk), "label": "1.1"}
    )
    assert response.status_code == 302
    current = selectors.current_version(product_file)
    assert current is not None
    assert current.label == "1.1"
    assert product_file.versions.count() == 2
    page = owner_client.get(f"/en/dashboard/{shop.slug}/products/{product.pk}/").content.decode()
    assert "plugin-1.0.zip" in page
    assert "plugin-1.1.zip" in page
    empty = SimpleUploadedFile("empty.zip", b"")
    response = owner_client.post(url, {"upload": empty})
    assert response.status_code == 400
    assert product_file.versions.count() == 2


def test_cover_upload_and_a_non_image_refused(
    owner_client: Client, shop: Any, jpeg: Callable[..., SimpleUploadedFile]
) -> None:
    product = services.create_product(shop, title="Book", price_minor=5000)
    url = f"/en/dashboard/{shop.slug}/products/{product.pk}/cover/"
    fake = SimpleUploadedFile("cover.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    response = owner_client.post(url, {"cover": fake})
    assert response.status_code == 400
    assert "This file is not a picture we can read" in response.content.decode()
    product.refresh_from_db()
    assert not product.cover
    assert owner_client.post(url, {"cover": jpeg()}).status_code == 302
    product.refresh_from_db()
    assert str(product.cover_small.name).endswith(".webp")


def test_bundle_contents(owner_client: Client, shop: Any) -> None:
    one = services.create_product(shop, title="One", price_minor=100)
    two = services.create_product(shop, title="Two", price_minor=100)
    bundle = services.create_product(shop, title="Both", price_minor=150, kind=ProductKind.BUNDLE)
    url = f"/en/dashboard/{shop.slug}/products/{bundle.pk}/bundle/"
    assert owner_client.post(url, {"items": [one.pk, two.pk]}).status_code == 302
    assert selectors.bundle_items(bundle) == [one, two]
    assert owner_client.post(url, {"items": [bundle.pk]}).status_code == 400
    assert selectors.bundle_items(bundle) == [one, two]


def test_markdown_preview_is_sanitised(owner_client: Client, shop: Any) -> None:
    response = owner_client.post(
        f"/en/dashboard/{shop.slug}/products/preview/",
        {"description": "**bold** <script>alert(1)</script> [x](javascript:alert(1))"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<strong>bold</strong>" in body
    assert "<script" not in body
    assert 'href="javascript' not in body


def test_products_tab_in_the_store_navigation(owner_client: Client, shop: Any) -> None:
    page = owner_client.get(f"/en/dashboard/{shop.slug}/").content.decode()
    assert f'href="/en/dashboard/{shop.slug}/products/"' in page


def test_list_shows_status_price_and_sales(owner_client: Client, shop: Any) -> None:
    product = services.create_product(
        shop, title="Limited", price_minor=5000, quantity_limit=10, visibility=Visibility.UNLISTED
    )
    services.reserve_copies(product, 3)
    page = owner_client.get(f"/en/dashboard/{shop.slug}/products/").content.decode()
    assert "Unlisted (only by link)" in page
    assert "7 left" in page


def test_delete_an_unsold_product_but_not_a_sold_one(
    owner_client: Client, agent_client: Client, shop: Any, django_capture_on_commit_callbacks: Any
) -> None:
    unsold = services.create_product(shop, title="Unsold", price_minor=100)
    services.add_file(unsold, SimpleUploadedFile("unsold.zip", b"PK unsold"))
    stored = str(unsold.files.get().versions.get().upload.name)
    sold = services.create_product(shop, title="Sold", price_minor=100)
    services.reserve_copies(sold, 1)
    base = f"/en/dashboard/{shop.slug}/products/"
    assert agent_client.post(f"{base}{unsold.pk}/delete/").status_code == 403
    response = owner_client.post(f"{base}{sold.pk}/delete/", follow=True)
    assert "Buyers have this product, so it cannot be deleted" in response.content.decode()
    assert Product.objects.filter(pk=sold.pk).exists()
    assert private_storage().exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(f"{base}{unsold.pk}/delete/", follow=True)
    assert "Unsold was deleted." in response.content.decode()
    assert not private_storage().exists(stored)  # the paid file went with it
    assert not Product.objects.filter(pk=unsold.pk).exists()
    assert owner_client.get(f"{base}{unsold.pk}/").status_code == 404
