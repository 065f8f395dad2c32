"""Reads of the catalog: what is for sale, at what price, with which files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from dukkan.catalog.models import (
    SELLABLE_KINDS,
    BundleItem,
    FileVersion,
    Product,
    ProductFile,
    ProductImage,
    ProductKind,
    Visibility,
)
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped

# Listed and opened publicly: services too (they are bought through their packages, `gigs`).
LISTED_KINDS = (*SELLABLE_KINDS, ProductKind.SERVICE)


class SalePhase(StrEnum):
    NONE = "none"  # no sale price set
    BEFORE = "before"
    DURING = "during"
    AFTER = "after"


def sale_phase(product: Product, now: datetime | None = None) -> SalePhase:
    if product.sale_price_minor is None:
        return SalePhase.NONE
    now = now or timezone.now()
    if product.sale_starts_at is not None and now < product.sale_starts_at:
        return SalePhase.BEFORE
    if product.sale_ends_at is not None and now >= product.sale_ends_at:
        return SalePhase.AFTER
    return SalePhase.DURING


@dataclass(frozen=True)
class Price:
    """What a buyer pays now (`amount_minor`), and what to show beside it."""

    amount_minor: int
    currency: str
    compare_at_minor: int | None  # struck through when set (higher than amount_minor)
    on_sale: bool
    sale_ends_at: datetime | None
    regular_minor: int
    pay_what_you_want: bool = False
    min_price_minor: int | None = None  # pay what you want: the least accepted (0 = free)
    sale_name: str = ""  # a store-wide sale's name (Black Friday, Nowruz…) when it sets the price

    @property
    def is_free(self) -> bool:
        return self.amount_minor == 0 and not self.pay_what_you_want

    @property
    def discount_percent(self) -> int | None:
        if not self.compare_at_minor or self.compare_at_minor <= self.amount_minor:
            return None
        return round(100 * (self.compare_at_minor - self.amount_minor) / self.compare_at_minor)


def price_of(product: Product, now: datetime | None = None) -> Price:
    """The price now: the sale price inside its window, else the regular price."""
    regular = product.price_minor
    on_sale = sale_phase(product, now) is SalePhase.DURING
    amount = (
        product.sale_price_minor if on_sale and product.sale_price_minor is not None else regular
    )
    candidates = [
        value for value in (product.compare_at_minor, regular if on_sale else None) if value
    ]
    compare_at = max(candidates) if candidates else None
    if compare_at is not None and compare_at <= amount:
        compare_at = None
    sale_ends_at = product.sale_ends_at if on_sale else None
    sale_name = ""
    # A store-wide sale (promotions) applies where it gives a lower price than the product's
    # own; pay-what-you-want and free products keep their price.
    if not product.pay_what_you_want and regular > 0:
        from dukkan.promotions.pricing import store_sale_for

        window = store_sale_for(product.store_id, product.pk, now)
        if window is not None and window.price(regular) < amount:
            amount = window.price(regular)
            on_sale = True
            sale_ends_at = window.ends_at
            sale_name = window.name
            compare_at = max(product.compare_at_minor or 0, regular) or None
    minimum = None
    if product.pay_what_you_want:
        minimum = product.min_price_minor or 0
        if on_sale:
            minimum = min(minimum, amount)
    return Price(
        amount_minor=amount,
        currency=product.store.currency,
        compare_at_minor=compare_at,
        on_sale=on_sale,
        sale_ends_at=sale_ends_at,
        regular_minor=regular,
        pay_what_you_want=product.pay_what_you_want,
        min_price_minor=minimum,
        sale_name=sale_name,
    )


def all_products(store: Store) -> QuerySet[Product]:
    """Every product of the store (the dashboard's list), newest first."""
    return scoped(Product, store).select_related("store").order_by("-created_at", "-pk")


def published_products(store: Store) -> QuerySet[Product]:
    """What the store lists publicly: published and sellable (and not held by listing review)."""
    from dukkan.moderation.selectors import without_held

    return (
        without_held(scoped(Product, store))
        .filter(visibility=Visibility.PUBLISHED, kind__in=LISTED_KINDS)
        .select_related("store")
        .order_by("-published_at", "-pk")
    )


def product_for_sale(store: Store, slug: str) -> Product | None:
    """A product a buyer may open and buy: published or unlisted (reachable by its link)."""
    from dukkan.moderation.selectors import without_held

    return (
        without_held(scoped(Product, store))
        .filter(
            slug=slug,
            visibility__in=(Visibility.PUBLISHED, Visibility.UNLISTED),
            kind__in=LISTED_KINDS,
        )
        .select_related("store")
        .first()
    )


def gallery(product: Product) -> list[ProductImage]:
    return list(scoped(ProductImage, product.store).filter(product=product))


def product_files(product: Product) -> list[ProductFile]:
    """The product's own files, with their versions prefetched (newest first)."""
    return list(
        scoped(ProductFile, product.store).filter(product=product).prefetch_related("versions")
    )


def bundle_items(bundle: Product) -> list[Product]:
    items = (
        scoped(BundleItem, bundle.store)
        .filter(bundle=bundle)
        .select_related("item", "item__store")
        .order_by("position", "pk")
    )
    return [entry.item for entry in items]


def deliverable_files(product: Product) -> list[ProductFile]:
    """What a buyer of `product` gets: its own files, and for a bundle its items' files."""
    files: list[ProductFile] = []
    seen: set[int] = set()

    def collect(current: Product) -> None:
        if current.pk in seen:
            return
        seen.add(current.pk)
        files.extend(product_files(current))
        if current.kind == "bundle":
            for item in bundle_items(current):
                collect(item)

    collect(product)
    return files


def current_version(product_file: ProductFile) -> FileVersion | None:
    """The newest upload of a file; older versions stay reachable for buyers."""
    prefetched = getattr(product_file, "_prefetched_objects_cache", {}).get("versions")
    if prefetched is not None:
        versions = sorted(prefetched, key=lambda v: (v.created_at, v.pk), reverse=True)
        return versions[0] if versions else None
    return (
        scoped(FileVersion, product_file.store)
        .filter(product_file=product_file)
        .order_by("-created_at", "-pk")
        .first()
    )


def versions_of(product_file: ProductFile) -> list[FileVersion]:
    return list(
        scoped(FileVersion, product_file.store)
        .filter(product_file=product_file)
        .order_by("-created_at", "-pk")
    )


def remaining_quantity(product: Product) -> int | None:
    """Copies left of a limited product; None when unlimited."""
    if product.quantity_limit is None:
        return None
    return max(0, product.quantity_limit - product.quantity_sold)


def is_sold_out(product: Product) -> bool:
    return remaining_quantity(product) == 0


def sales_count(product: Product) -> int:
    """How many copies were sold (checkout reserves a copy for every sale, limited or not)."""
    return product.quantity_sold


# --- what the storefront shows -------------------------------------------------------------


def media_url(store: Store, name: str | None) -> str:
    """The public address of one of the store's pictures (served by `storefront:media`)."""
    return reverse("storefront:media", kwargs={"store_slug": store.slug, "media_path": str(name)})


def product_url(product: Product) -> str:
    return reverse(
        "storefront:product",
        kwargs={"store_slug": product.store.slug, "product_slug": product.slug},
    )


@dataclass(frozen=True)
class ProductCard:
    """One product in a list: what the card shows."""

    product: Product
    price: Price
    url: str
    thumbnail_url: str | None
    remaining: int | None

    @property
    def sold_out(self) -> bool:
        return self.remaining == 0


def product_cards(products: list[Product], now: datetime | None = None) -> list[ProductCard]:
    now = now or timezone.now()
    return [
        ProductCard(
            product=product,
            price=price_of(product, now),
            url=product_url(product),
            thumbnail_url=media_url(product.store, product.cover_small.name)
            if product.cover_small
            else None,
            remaining=remaining_quantity(product),
        )
        for product in products
    ]
