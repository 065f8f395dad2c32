"""Reads of the licensing app, for the API, the dashboard, My purchases, inbox and marketing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.licensing import crypto
from dukkan.licensing.models import (
    Activation,
    Licence,
    LicenceEvent,
    LicencePolicy,
    LicenceStatus,
    SigningKey,
)
from dukkan.licensing.services import ProductContext, reveal_key

REASONS = (
    "valid",
    "expired",
    "suspended",
    "revoked",
    "activation_limit_reached",
    "fingerprint_mismatch",
    "unknown_key",
)


@dataclass(frozen=True)
class Validation:
    valid: bool
    reason: str
    licence_id: int | None = None
    status: str = ""
    expires_at: datetime | None = None
    updates_until: datetime | None = None
    entitlements: tuple[str, ...] = ()
    max_activations: int = 0
    activations: int = 0


_SEATS = {
    True: "a.released_at IS NULL",
    False: "(a.released_at IS NULL OR a.released_by IN ('customer', 'api'))",
}


def _validate_sql(frees_seat: bool, with_fingerprint: bool) -> str:
    # Hand-written so the hot path skips the ORM's query compiler: one statement on the
    # unique key-hash index, with the seat count and the machine check as subqueries.
    bound = (
        "EXISTS (SELECT 1 FROM licensing_activation b WHERE b.licence_id = l.id"
        " AND b.fingerprint = %s AND b.released_at IS NULL)"
        if with_fingerprint
        else "1"
    )
    return (
        "SELECT l.id, l.status, l.expires_at, l.updates_until, l.entitlements,"
        " l.max_activations, l.store_id, l.product_id, l.key_hash,"
        " (SELECT COUNT(*) FROM licensing_activation a WHERE a.licence_id = l.id"
        f" AND {_SEATS[frees_seat]}) AS seats, {bound} AS bound"
        " FROM licensing_licence l"
        " WHERE l.key_hash = %s AND l.store_id = %s AND l.product_id = %s"
    )


def validate(context: ProductContext, key: str, fingerprint_tag: str | None) -> Validation:
    """The licence's standing in one indexed query (the key hash, with subqueries)."""
    params: list[Any] = [] if fingerprint_tag is None else [fingerprint_tag]
    params += [crypto.key_hash(key), context.store_id, context.product_id]
    sql = _validate_sql(context.frees_seat, fingerprint_tag is not None)
    found = list(Licence.objects.raw(sql, params))
    row = found[0] if found else None
    if row is None:
        return Validation(False, "unknown_key")
    pk, status, expires_at, updates_until = row.pk, row.status, row.expires_at, row.updates_until
    entitlements, max_activations = row.entitlements, row.max_activations
    used: int = row.seats  # type: ignore[attr-defined]
    bound = bool(row.bound)  # type: ignore[attr-defined]
    common: dict[str, Any] = {
        "licence_id": pk,
        "status": status,
        "expires_at": expires_at,
        "updates_until": updates_until,
        "entitlements": tuple(entitlements),
        "max_activations": max_activations,
        "activations": used,
    }
    if status == LicenceStatus.REVOKED:
        return Validation(False, "revoked", **common)
    if status == LicenceStatus.SUSPENDED:
        return Validation(False, "suspended", **common)
    if expires_at is not None and expires_at <= timezone.now():
        return Validation(False, "expired", **common)
    if fingerprint_tag is not None and not bound:
        reason = "activation_limit_reached" if used >= max_activations else "fingerprint_mismatch"
        return Validation(False, reason, **common)
    return Validation(True, "valid", **common)


def public_keys(store: Store | int) -> list[SigningKey]:
    store_id = store if isinstance(store, int) else store.pk
    return list(SigningKey.objects.filter(store_id=store_id).order_by("-created_at", "-pk"))


def policy_for_product(store: Store, product_id: int) -> LicencePolicy | None:
    return scoped(LicencePolicy, store).filter(product_id=product_id).first()


def licences(store: Store, *, query: str = "", status: str = "") -> QuerySet[Licence]:
    found = (
        scoped(Licence, store)
        .select_related("product", "order")
        .annotate(live=Count("activations", filter=Q(activations__released_at__isnull=True)))
        .order_by("-created_at", "-pk")
    )
    if status == "flagged":
        found = found.filter(flagged=True)
    elif status:
        found = found.filter(status=status)
    query = query.strip()
    if query:
        from dukkan.licensing import dukkan_verify as fmt

        try:
            found = found.filter(key_hash=crypto.key_hash(fmt.normalise_key(query)))
        except fmt.FormatError:
            found = found.filter(
                Q(email__icontains=query.lower())
                | Q(key_hint=query.upper()[-5:])
                | Q(order__number=query.lstrip("#"))
            )
    return found


def activations_of(licence: Licence) -> QuerySet[Activation]:
    return scoped(Activation, licence.store).filter(licence=licence).order_by("-created_at", "-pk")


def audit_trail(licence: Licence) -> QuerySet[LicenceEvent]:
    return scoped(LicenceEvent, licence.store).filter(licence=licence).select_related("actor")


@dataclass(frozen=True)
class KeyView:
    """A licence as the buyer (or the agent beside the chat) sees it."""

    licence: Licence
    key: str
    activations: list[Activation]


def _views(found: QuerySet[Licence]) -> list[KeyView]:
    rows = list(found.select_related("product", "store").prefetch_related("activations"))
    return [
        KeyView(
            licence=licence,
            key=reveal_key(licence),
            activations=[a for a in licence.activations.all() if a.released_at is None],
        )
        for licence in rows
    ]


def keys_for_order(order_id: int) -> list[KeyView]:
    """The keys of one order, in line order (contract for delivery, inbox and others)."""
    return _views(Licence.objects.filter(order_id=order_id).order_by("order_line_id", "copy"))


def keys_for_orders(store: Store, order_ids: list[int]) -> dict[int, list[KeyView]]:
    by_order: dict[int, list[KeyView]] = {}
    found = scoped(Licence, store).filter(order_id__in=order_ids).order_by("order_line_id", "copy")
    for view in _views(found):
        by_order.setdefault(view.licence.order_id or 0, []).append(view)
    return by_order


def keys_for_email(store: Store, email: str) -> list[KeyView]:
    return _views(scoped(Licence, store).filter(email=email.strip().lower()))


def contacts_with_licences_expiring(store_id: int, within_days: int) -> set[int]:
    """Contacts holding an active licence that expires (or whose updates end) within N days."""
    now = timezone.now()
    until = now + timedelta(days=within_days)
    window = Q(expires_at__gt=now, expires_at__lte=until) | Q(
        updates_until__gt=now, updates_until__lte=until
    )
    return set(
        Licence.objects.filter(
            store_id=store_id, status=LicenceStatus.ACTIVE, contact__isnull=False
        )
        .filter(window)
        .values_list("contact_id", flat=True)
    )


def flagged_count(store: Store) -> int:
    return scoped(Licence, store).filter(flagged=True).count()
