"""Reads of delivery: a buyer's purchases with their downloads, receipts, the agent's summary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from dukkan.catalog.models import ProductKind
from dukkan.catalog.selectors import current_version
from dukkan.checkout.models import Order, OrderLine, OrderStatus
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.delivery.models import DeliverySettings, DownloadLog, Entitlement

# Orders a buyer sees in My purchases: every order that was paid at some point.
VISIBLE_STATUSES = (
    OrderStatus.PAID,
    OrderStatus.FULFILLED,
    OrderStatus.PARTIALLY_REFUNDED,
    OrderStatus.REFUNDED,
)


# What the buyer reads for each status (their own words, not the dashboard's).
BUYER_STATUS = {
    OrderStatus.PAID: _("Paid"),
    OrderStatus.FULFILLED: _("Ready to download"),
    OrderStatus.PARTIALLY_REFUNDED: _("Partially refunded"),
    OrderStatus.REFUNDED: _("Refunded"),
}


def buyer_status(order: Order) -> str:
    return str(BUYER_STATUS.get(OrderStatus(order.status), order.get_status_display()))


def _limit(store: Store) -> int:
    found = DeliverySettings.objects.filter(store=store).values_list("download_limit", flat=True)
    return found[0] if found else DeliverySettings._meta.get_field("download_limit").default


def orders_for_email(store: Store, email: str) -> list[Order]:
    email = email.strip().lower()
    if not email:
        return []
    return list(
        scoped(Order, store)
        .filter(email__iexact=email, status__in=VISIBLE_STATUSES)
        .select_related("store")
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class DownloadSummary:
    entitlement_id: int
    order_id: int
    title: str
    version_label: str
    size: int
    downloads_used: int
    limit: int
    revoked: bool
    revoked_reason: str

    @property
    def left(self) -> int:
        return max(0, self.limit - self.downloads_used)

    @property
    def available(self) -> bool:
        return not self.revoked and self.left > 0 and self.size >= 0


def _entitlements(store: Store, orders: list[Order]) -> list[Entitlement]:
    return list(
        scoped(Entitlement, store)
        .filter(order__in=orders)
        .select_related("product_file__product", "order_line", "store")
        .prefetch_related("product_file__versions")
    )


def downloads_summary(order: Order) -> list[DownloadSummary]:
    """Each file of the order with downloads used of the limit and whether it was revoked."""
    limit = _limit(order.store)
    rows = []
    for entitlement in _entitlements(order.store, [order]):
        version = current_version(entitlement.product_file)
        rows.append(
            DownloadSummary(
                entitlement_id=entitlement.pk,
                order_id=order.pk,
                title=entitlement.product_file.title,
                version_label=version.label if version is not None else "",
                size=version.size if version is not None else -1,
                downloads_used=entitlement.downloads_used,
                limit=limit,
                revoked=entitlement.is_revoked,
                revoked_reason=entitlement.get_revoked_reason_display(),
            )
        )
    return rows


@dataclass
class PurchasedFile:
    entitlement: Entitlement
    summary: DownloadSummary
    url: str


@dataclass
class Purchase:
    order: Order
    lines: list[OrderLine]
    files: list[PurchasedFile]

    @property
    def status(self) -> str:
        return buyer_status(self.order)


def purchases(store: Store, email: str) -> list[Purchase]:
    """The buyer's orders in this store, each with fresh signed links to its files."""
    from dukkan.delivery.services import download_url_for

    orders = orders_for_email(store, email)
    limit = _limit(store)
    entitlements = _entitlements(store, orders)
    by_order: dict[int, list[PurchasedFile]] = {}
    for entitlement in entitlements:
        version = current_version(entitlement.product_file)
        summary = DownloadSummary(
            entitlement_id=entitlement.pk,
            order_id=entitlement.order_id,
            title=entitlement.product_file.title,
            version_label=version.label if version is not None else "",
            size=version.size if version is not None else -1,
            downloads_used=entitlement.downloads_used,
            limit=limit,
            revoked=entitlement.is_revoked,
            revoked_reason=entitlement.get_revoked_reason_display(),
        )
        url = download_url_for(entitlement) if summary.available and version else ""
        by_order.setdefault(entitlement.order_id, []).append(
            PurchasedFile(entitlement, summary, url)
        )
    lines_by_order: dict[int, list[OrderLine]] = {}
    for line in scoped(OrderLine, store).filter(order__in=orders).order_by("pk"):
        lines_by_order.setdefault(line.order_id, []).append(line)
    return [
        Purchase(order, lines_by_order.get(order.pk, []), by_order.get(order.pk, []))
        for order in orders
    ]


def receipt_context(order: Order) -> dict[str, Any]:
    """What a receipt shows (the email and the printable page use the same)."""
    lines = list(
        scoped(OrderLine, order.store).filter(order=order).select_related("product").order_by("pk")
    )
    language = translation.get_language() or order.language
    return {
        "order": order,
        "status": buyer_status(order),
        "store": order.store,
        "lines": lines,
        # A service is delivered on its order page, not as files: say so in the receipt.
        "has_downloads": any(line.product.kind != ProductKind.SERVICE for line in lines),
        "page_language": language,
        "page_dir": "rtl" if translation.get_language_bidi() else "ltr",
        "align_start": "right" if translation.get_language_bidi() else "left",
        "align_end": "left" if translation.get_language_bidi() else "right",
        "base_url": settings.DUKKAN_BASE_URL,
    }


def recent_downloads(store: Store, limit: int = 50) -> list[DownloadLog]:
    """The store's latest download requests (served and refused), for the seller."""
    return list(
        scoped(DownloadLog, store)
        .select_related("entitlement__order", "entitlement__product_file", "version")
        .order_by("-at", "-pk")[:limit]
    )
