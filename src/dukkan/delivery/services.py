"""Writes of delivery: entitlements after payment, revocation after refunds, download links.

`download_url_for(entitlement, *, version=None, base_url="")` is the one way to make a
download link (the storefront, the receipt email, My purchases and `bench/checkout.py` all
use it): a signed token that expires after the store's `link_hours`.

Counting rule: a download counts when a GET asks for the whole file or for a range that
starts at byte 0; a resumed download (a range starting later) and HEAD never count, but are
refused like the rest once the link expired or the entitlement was revoked. So a buyer with
a limit of 5 gets 5 complete downloads however many times each is resumed.
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone

from dukkan.catalog.models import FileVersion, ProductFile
from dukkan.catalog.selectors import current_version, deliverable_files
from dukkan.catalog.storage import private_storage
from dukkan.checkout.models import Order, OrderLine
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.delivery.models import (
    DeliverySettings,
    DownloadLog,
    Entitlement,
    RevokeReason,
    StampedCopy,
)
from dukkan.delivery.stamping import stamp_pdf
from dukkan.delivery.tokens import make_download_token, make_purchases_token

logger = logging.getLogger(__name__)


def delivery_settings(store: Store) -> DeliverySettings:
    found = DeliverySettings.objects.filter(store=store).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return DeliverySettings.objects.create(store=store)
    except IntegrityError:
        return DeliverySettings.objects.get(store=store)


def download_url_for(
    entitlement: Entitlement,
    *,
    version: FileVersion | None = None,
    base_url: str = "",
    hours: int | None = None,
) -> str:
    """A signed link to the entitlement's file (its current version unless `version`)."""
    store = entitlement.store
    lifetime = hours if hours is not None else delivery_settings(store).link_hours
    expires_at = int(time.time()) + lifetime * 3600
    token = make_download_token(
        store, entitlement.pk, version.pk if version is not None else None, expires_at
    )
    return f"{base_url}{reverse('download:file', kwargs={'download_token': token})}"


def purchases_link(store: Store, email: str, language: str, *, base_url: str | None = None) -> str:
    """A sign-in link to the buyer's My purchases page of `store`."""
    from django.utils import translation

    with translation.override(language):
        path = reverse(
            "purchases:open",
            kwargs={
                "store_slug": store.slug,
                "purchases_token": make_purchases_token(store, email),
            },
        )
    return f"{settings.DUKKAN_BASE_URL if base_url is None else base_url}{path}"


# --- after payment -----------------------------------------------------------------------


def create_entitlements(order: Order) -> list[Entitlement]:
    """One entitlement per line and deliverable file (bundles expanded); idempotent."""
    made: list[Entitlement] = []
    lines = scoped(OrderLine, order.store).filter(order=order).select_related("product__store")
    for line in lines:
        for product_file in deliverable_files(line.product):
            entitlement, created = Entitlement.objects.get_or_create(
                order_line=line,
                product_file=product_file,
                defaults={"store": order.store, "order": order, "email": order.email.lower()},
            )
            if created:
                made.append(entitlement)
    return made


def deliver_missing(store: Store, email: str) -> int:
    """Entitlements for the buyer's paid orders that have none (their handler failed)."""
    from dukkan.delivery.selectors import orders_for_email

    made = 0
    for order in orders_for_email(store, email):
        if order.is_paid and not Entitlement.objects.filter(order=order).exists():
            made += len(create_entitlements(order))
    return made


# --- refunds -----------------------------------------------------------------------------


def revoke_for_refund(order: Order, *, full: bool) -> int:
    """Full refund: every entitlement of the order; partial: those of refunded lines."""
    entitlements = scoped(Entitlement, order.store).filter(order=order, revoked_at__isnull=True)
    if not full:
        entitlements = entitlements.filter(order_line__refunded=True)
    reason = RevokeReason.REFUND if full else RevokeReason.PARTIAL_REFUND
    ids = list(entitlements.values_list("pk", flat=True))
    count = Entitlement.objects.filter(pk__in=ids).update(
        revoked_at=timezone.now(), revoked_reason=reason
    )
    delete_stamped_copies(Entitlement.objects.filter(pk__in=ids))
    return count


def delete_stamped_copies(entitlements: QuerySet[Entitlement]) -> None:
    copies = StampedCopy.objects.filter(entitlement__in=entitlements)
    storage = private_storage()
    for copy in copies:
        try:
            storage.delete(copy.path)
        except OSError:
            logger.warning("stamped copy could not be deleted", extra={"path": copy.path})
    copies.delete()


# --- downloads ---------------------------------------------------------------------------


def count_download(entitlement: Entitlement, limit: int) -> bool:
    """Take one download from the allowance; False when none is left (or it was revoked)."""
    return bool(
        Entitlement.objects.filter(
            pk=entitlement.pk, revoked_at__isnull=True, downloads_used__lt=limit
        ).update(downloads_used=F("downloads_used") + 1)
    )


def log_download(
    entitlement: Entitlement,
    *,
    version: FileVersion | None,
    ip: str | None,
    user_agent: str,
    status: int,
    range_header: str = "",
    bytes_sent: int = 0,
    counted: bool = False,
) -> DownloadLog:
    return DownloadLog.objects.create(
        store_id=entitlement.store_id,
        entitlement=entitlement,
        version=version,
        ip=ip,
        user_agent=user_agent[:400],
        status=status,
        range=range_header[:100],
        bytes_sent=bytes_sent,
        counted=counted,
    )


def finish_log(log_id: int, bytes_sent: int) -> None:
    """Correct a log entry's byte count once its stream ended early (the client went away)."""
    try:
        DownloadLog.objects.filter(pk=log_id).update(bytes_sent=bytes_sent)
    except DatabaseError:
        logger.warning("download log not updated", extra={"log_id": log_id, "sent": bytes_sent})


@dataclass(frozen=True)
class Servable:
    """A file on disk ready to send: the original, or the buyer's stamped copy."""

    path: str  # absolute path
    storage_name: str  # its name in the private storage (for X-Accel-Redirect)
    size: int
    etag: str


def is_pdf(version: FileVersion) -> bool:
    return version.content_type == "application/pdf" or version.original_name.lower().endswith(
        ".pdf"
    )


def needs_stamping(entitlement: Entitlement, version: FileVersion) -> bool:
    product = entitlement.product_file.product
    return bool(product.pdf_stamping) and is_pdf(version)


def servable(entitlement: Entitlement, version: FileVersion) -> Servable:
    """The file to send for this entitlement and version, stamping a PDF once if due.

    Raises `stamping.StampError` for a PDF that must be stamped and cannot be.
    """
    storage = private_storage()
    if not needs_stamping(entitlement, version):
        name = version.upload.name or ""
        return Servable(
            storage.path(name), name, version.size or storage.size(name), f'"{version.sha256[:40]}"'
        )
    copy = StampedCopy.objects.filter(entitlement=entitlement, version=version).first()
    if copy is not None and storage.exists(copy.path):
        return _stamped(copy)
    if copy is not None:
        copy.delete()  # its file went missing: make it again
    order = entitlement.order
    name = (
        f"stamped/{entitlement.store_id}/{entitlement.pk}-{version.pk}-{secrets.token_hex(6)}.pdf"
    )
    target = storage.path(name)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    try:
        with storage.open(version.upload.name or "", "rb") as source, open(target, "wb") as out:
            stamp_pdf(source, out, email=entitlement.email, order_number=order.number)
    except Exception:
        if os.path.exists(target):
            os.unlink(target)
        raise
    size = os.path.getsize(target)
    try:
        with transaction.atomic():
            copy = StampedCopy.objects.create(
                entitlement=entitlement, version=version, path=name, size=size
            )
    except IntegrityError:
        # Another request stamped the same copy at the same moment: keep theirs.
        os.unlink(target)
        copy = StampedCopy.objects.get(entitlement=entitlement, version=version)
    return _stamped(copy)


def _stamped(copy: StampedCopy) -> Servable:
    storage = private_storage()
    return Servable(
        storage.path(copy.path), copy.path, copy.size, f'"s{copy.pk}-{copy.size}-{copy.version_id}"'
    )


def version_for(entitlement: Entitlement, version_id: int | None) -> FileVersion | None:
    product_file: ProductFile = entitlement.product_file
    if version_id is None:
        return current_version(product_file)
    return (
        scoped(FileVersion, entitlement.store)
        .filter(pk=version_id, product_file=product_file)
        .first()
    )
