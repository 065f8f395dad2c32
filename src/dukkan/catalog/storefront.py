"""The buyer's side: product pages, free samples, the store's pictures.

The product page is cached like the store page (`core.pagecache`): an anonymous visit that
hits the cache makes no database query. An entry holds the product as it was when the
"stores version" was current (any catalog change bumps it); the rendered HTML is kept per
sale phase (before, during, after), so a sale starts and ends on time without a change.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from dukkan.catalog import selectors, services
from dukkan.catalog.models import Product, ProductKind
from dukkan.catalog.storage import private_storage
from dukkan.core import pagecache
from dukkan.core.models import Store
from dukkan.core.selectors import public_store

PRODUCT_TEMPLATE = "catalog/product.html"
MEDIA_PATH = re.compile(r"^catalog/(\d+)/images/[0-9a-f]{16}/[\w.-]+$")


def checkout_url(product: Product) -> str | None:
    """Where the Buy button goes: checkout's page for this product, when checkout has one."""
    try:
        return reverse(
            "shop:checkout",
            kwargs={"store_slug": product.store.slug, "product_slug": product.slug},
        )
    except NoReverseMatch:
        return None


@dataclass(frozen=True)
class Picture:
    url: str
    thumbnail_url: str
    alt: str
    width: int
    height: int


@dataclass(frozen=True)
class Included:
    """A line of "what you get": a file (with its current version) or a bundled product."""

    title: str
    detail: str
    size: int | None = None
    url: str | None = None


def _included(product: Product) -> list[Included]:
    lines: list[Included] = []
    for product_file in selectors.product_files(product):
        version = selectors.current_version(product_file)
        if version is not None:
            lines.append(Included(product_file.title, version.label, version.size))
    if product.kind == ProductKind.BUNDLE:
        for item in selectors.bundle_items(product):
            lines.append(Included(item.title, item.summary, None, selectors.product_url(item)))
    return lines


def _page_data(store: Store, product: Product) -> dict[str, Any]:
    """What the page shows that does not change with the clock (loaded on a cache miss)."""
    gallery = [
        Picture(
            url=selectors.media_url(store, picture.image.name),
            thumbnail_url=selectors.media_url(store, (picture.thumbnail or picture.image).name),
            alt=picture.alt_text,
            width=picture.width,
            height=picture.height,
        )
        for picture in selectors.gallery(product)
    ]
    description_html = services.render_description(product)
    summary = product.summary or Truncator(strip_tags(description_html)).chars(160)
    cover = {
        name: selectors.media_url(store, field.name) if field else None
        for name, field in (
            ("cover", product.cover),
            ("cover_large", product.cover_large),
            ("cover_small", product.cover_small),
        )
    }
    url = selectors.product_url(product)
    return {
        "product": product,
        "gallery": gallery,
        "included": _included(product),
        "description_html": description_html,
        "meta_description": summary,
        "cover_urls": cover,
        "canonical_url": settings.DUKKAN_BASE_URL.rstrip("/") + url,
        "og_image": settings.DUKKAN_BASE_URL.rstrip("/") + cover["cover"] if cover["cover"] else "",
        "sample_url": reverse(
            "storefront:sample", kwargs={"store_slug": store.slug, "product_slug": product.slug}
        )
        if product.sample
        else None,
        "buy_url": checkout_url(product),
        "store_url": reverse("store_home", kwargs={"store_slug": store.slug}),
    }


def _context(store: Store, data: dict[str, Any]) -> dict[str, Any]:
    product: Product = data["product"]
    price = selectors.price_of(product)
    remaining = selectors.remaining_quantity(product)
    return {
        **data,
        "store": store,
        "price": price,
        "remaining": remaining,
        "sold_out": remaining == 0,
        "sales_count": selectors.sales_count(product) if product.show_sales_count else None,
        "phase": selectors.sale_phase(product),
    }


@require_GET
def product_page(request: HttpRequest, store_slug: str, product_slug: str) -> HttpResponse:
    key = pagecache.entry_key(request.path, get_language())
    version, entry = pagecache.lookup(key)
    if entry is None:
        store = public_store(store_slug)
        product = selectors.product_for_sale(store, product_slug) if store else None
        if store is None or product is None:
            raise Http404  # not cached: unknown addresses must not fill the cache
        entry = pagecache.StoreEntry(
            version=version, store=store, extra={"page": _page_data(store, product)}
        )
        pagecache.put_entry(key, entry)
    data = entry.extra["page"]
    variant = selectors.sale_phase(data["product"], timezone.now())
    return pagecache.respond(
        request, key, entry, variant, PRODUCT_TEMPLATE, lambda: _context(entry.store, data)
    )


@require_GET
def sample(request: HttpRequest, store_slug: str, product_slug: str) -> HttpResponseBase:
    """The free sample, for anyone, as a download (never shown inline)."""
    store = public_store(store_slug)
    product = selectors.product_for_sale(store, product_slug) if store else None
    if product is None or not product.sample:
        raise Http404
    try:
        handle = private_storage().open(str(product.sample.name), "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    filename = product.sample_name or "sample"
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def media(request: HttpRequest, store_slug: str, media_path: str) -> HttpResponseBase:
    """A store's cover or gallery picture. Names carry a random part and never change, so
    browsers and proxies may keep them for a year."""
    match = MEDIA_PATH.match(media_path)
    store = public_store(store_slug) if match else None
    if match is None or store is None or int(match.group(1)) != store.pk:
        raise Http404
    try:
        handle = default_storage.open(media_path, "rb")
    except (FileNotFoundError, IsADirectoryError) as error:
        raise Http404 from error
    content_type = mimetypes.guess_type(media_path)[0] or "application/octet-stream"
    if not content_type.startswith("image/"):
        handle.close()
        raise Http404
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
