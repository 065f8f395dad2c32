"""What a buyer sees: the store's products, the product page, the sample, and the cache."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from dukkan.catalog import services
from dukkan.catalog.models import ProductKind, Visibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def visitor() -> Client:
    return Client()


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_draft_is_404_unlisted_by_link_only_published_listed(visitor: Client, shop: Any) -> None:
    services.create_product(shop, title="Draft book", price_minor=100)
    services.create_product(
        shop, title="Hidden book", price_minor=100, visibility=Visibility.UNLISTED
    )
    services.create_product(
        shop, title="Public book", price_minor=100, visibility=Visibility.PUBLISHED
    )
    home = _page(visitor, f"/en/s/{shop.slug}/")
    assert "Public book" in home
    assert "Hidden book" not in home
    assert "Draft book" not in home
    assert visitor.get(f"/en/s/{shop.slug}/p/draft-book/").status_code == 404
    assert "Hidden book" in _page(visitor, f"/en/s/{shop.slug}/p/hidden-book/")
    assert "Public book" in _page(visitor, f"/en/s/{shop.slug}/p/public-book/")
    assert visitor.get(f"/en/s/{shop.slug}/p/no-such-book/").status_code == 404
    assert visitor.get("/en/s/no-such-store/p/public-book/").status_code == 404


def test_another_stores_slug_is_404(
    visitor: Client, shop: Any, make_store: Callable[..., Any]
) -> None:
    other = make_store()
    services.create_product(other, title="Theirs", price_minor=100, visibility="published")
    assert visitor.get(f"/en/s/{shop.slug}/p/theirs/").status_code == 404


def test_sale_countdown_only_inside_the_window(visitor: Client, shop: Any) -> None:
    now = timezone.now()
    product = services.create_product(
        shop,
        title="Andalus",
        price_minor=5500,
        sale_price_minor=3900,
        sale_starts_at=now + timedelta(hours=1),
        sale_ends_at=now + timedelta(days=3),
        visibility=Visibility.PUBLISHED,
    )
    url = f"/en/s/{shop.slug}/p/{product.slug}/"
    before = _page(visitor, url)
    assert "data-countdown" not in before
    assert "SAR55.00" in before
    assert "SAR39.00" not in before

    services.update_product(product, sale_starts_at=now - timedelta(hours=1))
    during = _page(visitor, url)
    assert "data-countdown" in during
    assert f'data-ends="{product.sale_ends_at.isoformat()}"' in during  # type: ignore[union-attr]
    assert "SAR39.00" in during
    assert '<s class="compare-at">' in during
    assert "countdown.js" in during

    services.update_product(
        product, sale_starts_at=now - timedelta(days=2), sale_ends_at=now - timedelta(days=1)
    )
    after = _page(visitor, url)
    assert "data-countdown" not in after
    assert "SAR39.00" not in after


def test_the_cached_page_turns_at_the_sale_end_without_any_change(
    visitor: Client, shop: Any, django_assert_num_queries: Any
) -> None:
    now = timezone.now()
    product = services.create_product(
        shop,
        title="Flash",
        price_minor=5500,
        sale_price_minor=3900,
        sale_starts_at=now - timedelta(hours=1),
        sale_ends_at=now + timedelta(seconds=2),
        visibility=Visibility.PUBLISHED,
    )
    url = f"/en/s/{shop.slug}/p/{product.slug}/"
    assert "SAR39.00" in _page(visitor, url)
    # Past the end: the same cached entry renders the other phase, with no query.
    later = now + timedelta(seconds=3)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later)
        with django_assert_num_queries(0):
            page = _page(visitor, url)
    assert "SAR39.00" not in page
    assert "SAR55.00" in page


def test_prices_are_formatted_per_language(visitor: Client, make_store: Callable[..., Any]) -> None:
    store = make_store(currency="IRR", default_language="fa")
    product = services.create_product(
        store, title="افزونه", price_minor=4_900_000, visibility=Visibility.PUBLISHED
    )
    url = f"/s/{store.slug}/p/{product.slug}/"
    assert "۴۹۰٬۰۰۰" in _page(visitor, f"/fa{url}")  # toman, Persian digits
    assert "490,000 toman" in _page(visitor, f"/en{url}")
    riyal = make_store(currency="SAR", default_language="ar")
    book = services.create_product(
        riyal, title="كتاب", price_minor=3900, visibility=Visibility.PUBLISHED
    )
    arabic = _page(visitor, f"/ar/s/{riyal.slug}/p/{book.slug}/")
    assert "39.00" in arabic
    assert "ر.س" in arabic
    assert "SAR39.00" in _page(visitor, f"/en/s/{riyal.slug}/p/{book.slug}/")


def test_limited_quantity_sales_count_and_pay_what_you_want(visitor: Client, shop: Any) -> None:
    limited = services.create_product(
        shop,
        title="Launch",
        price_minor=6900,
        quantity_limit=3,
        show_sales_count=True,
        visibility=Visibility.PUBLISHED,
    )
    url = f"/en/s/{shop.slug}/p/{limited.slug}/"
    assert "Only 3 copies left" in _page(visitor, url)
    assert services.reserve_copies(limited, 2)
    page = _page(visitor, url)
    assert "Only 1 copy left" in page
    assert "Bought by 2 people" in page
    assert services.reserve_copies(limited, 1)
    page = _page(visitor, url)
    assert "Sold out" in page
    assert 'class="button buy"' not in page
    pwyw = services.create_product(
        shop,
        title="Letters",
        price_minor=1500,
        pay_what_you_want=True,
        min_price_minor=500,
        visibility=Visibility.PUBLISHED,
    )
    page = _page(visitor, f"/en/s/{shop.slug}/p/{pwyw.slug}/")
    assert "Pay what you want: at least SAR5.00." in page
    quiet = services.create_product(
        shop, title="Quiet", price_minor=100, visibility=Visibility.PUBLISHED
    )
    services.reserve_copies(quiet, 4)
    assert "Bought by" not in _page(visitor, f"/en/s/{shop.slug}/p/{quiet.slug}/")


def test_sample_download(visitor: Client, shop: Any) -> None:
    product = services.create_product(
        shop, title="Book", price_minor=100, visibility=Visibility.PUBLISHED
    )
    url = f"/en/s/{shop.slug}/p/{product.slug}/sample/"
    assert visitor.get(url).status_code == 404  # no sample yet
    services.set_sample(product, ContentFile(b"%PDF-1.4 chapter one", name="الفصل الأول.pdf"))
    response = visitor.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 chapter one"  # type: ignore[attr-defined]
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    page = _page(visitor, f"/en/s/{shop.slug}/p/{product.slug}/")
    assert f'href="{url}"' in page
    services.update_product(product, visibility=Visibility.DRAFT)
    assert visitor.get(url).status_code == 404


def test_cover_served_from_the_stores_media_and_nothing_else(
    visitor: Client, shop: Any, jpeg: Callable[..., Any], make_store: Callable[..., Any]
) -> None:
    product = services.create_product(
        shop, title="Book", price_minor=100, visibility=Visibility.PUBLISHED
    )
    services.set_cover(product, jpeg())
    product.refresh_from_db()
    response = visitor.get(f"/en/s/{shop.slug}/media/{product.cover_small.name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert "immutable" in response["Cache-Control"]
    other = make_store()
    assert visitor.get(f"/en/s/{other.slug}/media/{product.cover_small.name}").status_code == 404
    services.add_file(product, ContentFile(b"paid", name="book.pdf"))
    version = product.files.get().versions.get()
    assert visitor.get(f"/en/s/{shop.slug}/media/{version.upload.name}").status_code == 404
    assert visitor.get(f"/en/s/{shop.slug}/media/../private/x").status_code == 404
    home = _page(visitor, f"/en/s/{shop.slug}/")
    assert f"/media/{product.cover_small.name}" in home


def test_seo_and_buy_link(visitor: Client, shop: Any, jpeg: Callable[..., Any]) -> None:
    product = services.create_product(
        shop,
        title="Book",
        summary="A short summary",
        description="**Long** text",
        price_minor=100,
        visibility=Visibility.PUBLISHED,
    )
    services.set_cover(product, jpeg())
    page = _page(visitor, f"/en/s/{shop.slug}/p/{product.slug}/")
    assert "<title>Book — " in page
    assert '<meta name="description" content="A short summary">' in page
    assert f'<link rel="canonical" href="http://localhost:8000/en/s/{shop.slug}/p/book/">' in page
    assert '<meta property="og:image" content="http://localhost:8000/en/s/' in page
    assert "<strong>Long</strong>" in page


def test_bundle_page_lists_its_products(visitor: Client, shop: Any) -> None:
    one = services.create_product(shop, title="One", price_minor=100, visibility="published")
    services.add_file(one, ContentFile(b"x" * 2048, name="one.pdf"), label="1.2")
    bundle = services.create_product(
        shop, title="All", price_minor=150, kind=ProductKind.BUNDLE, visibility="published"
    )
    services.set_bundle_items(bundle, [one])
    page = _page(visitor, f"/en/s/{shop.slug}/p/all/")
    assert f'href="/en/s/{shop.slug}/p/one/"' in page
    assert "version 1.2" in _page(visitor, f"/en/s/{shop.slug}/p/one/")


def test_a_cache_hit_costs_no_query_and_edits_show_at_once(
    visitor: Client,
    shop: Any,
    django_assert_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    product = services.create_product(
        shop, title="Book", price_minor=100, visibility=Visibility.PUBLISHED
    )
    url = f"/en/s/{shop.slug}/p/{product.slug}/"
    home = f"/en/s/{shop.slug}/"
    _page(visitor, url)
    _page(visitor, home)
    with django_assert_num_queries(0):
        assert "Book" in _page(visitor, url)
        assert "Book" in _page(visitor, home)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_product(product, title="Renamed book", price_minor=4500)
    assert "Renamed book" in _page(visitor, url)
    assert "SAR45.00" in _page(visitor, url)
    assert "Renamed book" in _page(visitor, home)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_product(product, visibility=Visibility.DRAFT)
    assert visitor.get(url).status_code == 404
    assert "Renamed book" not in _page(visitor, home)


def test_signed_in_visitors_get_a_fresh_page(owner_client: Client, shop: Any) -> None:
    product = services.create_product(
        shop, title="Book", price_minor=100, visibility=Visibility.PUBLISHED
    )
    page = _page(owner_client, f"/en/s/{shop.slug}/p/{product.slug}/")
    assert "Sign out" in page
    assert "Book" in page
