"""Writes of the licensing app: policies, keys, activations, owner actions, signing.

Everything that changes a licence writes a `LicenceEvent` in the same transaction.
Activations lock the licence row (select_for_update), so concurrent activations of one key
never exceed its limit.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidTag
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dukkan.accounts.models import User
from dukkan.catalog.models import Product
from dukkan.checkout.models import Order, OrderLine
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.licensing import crypto
from dukkan.licensing import dukkan_verify as fmt
from dukkan.licensing.models import (
    Activation,
    ActivationKind,
    Binding,
    Duration,
    Licence,
    LicenceEvent,
    LicencePolicy,
    LicenceStatus,
    SigningKey,
)

MAX_NAME = 200
MAX_METADATA_BYTES = 2048


class LicensingError(Exception):
    """A refusal with a machine-readable code, a message for people and an HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


# Messages for the codes of dukkan_verify's FormatError, in the reader's language.
FORMAT_MESSAGES = {
    "malformed_key": gettext_lazy(
        "This is not a licence key: a key has 20 letters and digits in four groups."
    ),
    "wrong_check_character": gettext_lazy(
        "There is a typo in the key or code: please check each character."
    ),
    "malformed_fingerprint": gettext_lazy(
        "The machine fingerprint must have between 1 and 512 characters."
    ),
    "malformed_request_code": gettext_lazy(
        "This is not a request code: it has 37 letters and digits, shown by the program."
    ),
}


def format_error(error: fmt.FormatError) -> LicensingError:
    message = FORMAT_MESSAGES.get(error.code)
    return LicensingError(error.code, str(message) if message else error.message)


# --- keys and signing ------------------------------------------------------------------------


def new_key() -> str:
    body = "".join(secrets.choice(fmt.ALPHABET) for _ in range(fmt.KEY_LENGTH - 1))
    return fmt.normalise_key(body + fmt.check_character(body))


def reveal_key(licence: Licence) -> str:
    """The key as the customer types it; a placeholder (never a crash) when it cannot be read."""
    try:
        return crypto.unseal(licence.key_sealed, "licence-key").decode("ascii")
    except (InvalidTag, ValueError):
        # Sealed under another SECRET_KEY (restored without its secret, or a changed one).
        return _("(unreadable: the instance's secret key has changed)")


def signing_key(store: Store) -> SigningKey:
    """The store's current signing key, made on first use."""
    found = (
        scoped(SigningKey, store).filter(retired_at__isnull=True).order_by("-created_at").first()
    )
    return found or rotate_signing_key(store)


def rotate_signing_key(store: Store) -> SigningKey:
    """A new signing key; the old ones stop signing but stay published for verification."""
    raw_private, raw_public = crypto.new_signing_key()
    with transaction.atomic():
        scoped(SigningKey, store).filter(retired_at__isnull=True).update(retired_at=timezone.now())
        return SigningKey.objects.create(
            store=store,
            key_id=fmt.key_id_for(raw_public),
            public_key=base64.b64encode(raw_public).decode("ascii"),
            private_key_sealed=crypto.seal(raw_private, "signing-key"),
        )


def _epoch(moment: datetime | None) -> int:
    return int(moment.timestamp()) if moment else 0


def sign_licence(licence: Licence, activation: Activation, policy: LicencePolicy) -> str:
    """The activation code (signed licence file) for one activation."""
    key = signing_key(licence.store)
    payload = fmt.Licence(
        key_id=key.key_id,
        licence_id=licence.pk,
        product_id=licence.product_id,
        activation_id=activation.pk,
        fingerprint=activation.fingerprint,
        issued_at=int(time.time()),
        expires_at=_epoch(licence.expires_at),
        updates_until=_epoch(licence.updates_until),
        refresh_s=policy.refresh_hours * 3600,
        grace_s=policy.grace_hours * 3600,
        entitlements=tuple(licence.entitlements),
    )
    body = fmt.encode_licence_body(payload)
    signature = crypto.private_key(key.private_key_sealed).sign(fmt.SIGNATURE_CONTEXT + body)
    return fmt.format_activation_code(body, signature)


# --- policies --------------------------------------------------------------------------------


def validate_entitlements(names: list[str]) -> list[str]:
    cleaned = []
    for name in names:
        name = name.strip().lower()
        if not name:
            continue
        if len(name) > fmt.MAX_ENTITLEMENT_LENGTH or not set(name) <= fmt._ENTITLEMENT_CHARS:
            raise LicensingError(
                "malformed_entitlement",
                _(
                    "Entitlement names use lowercase Latin letters, digits and . _ : - (at most 64): %(name)s"
                )
                % {"name": name},
            )
        if name not in cleaned:
            cleaned.append(name)
    if len(cleaned) > fmt.MAX_ENTITLEMENTS:
        raise LicensingError("too_many_entitlements", _("At most 32 entitlements."))
    return cleaned


def save_policy(
    store: Store, product: Product, *, actor: User | None = None, **fields: Any
) -> LicencePolicy:
    """Creates or updates a product's policy; new keys follow it, issued keys keep theirs."""
    if product.store_id != store.pk:
        raise LicensingError("unknown_product", _("No such product."), 404)
    if "entitlements" in fields:
        fields["entitlements"] = validate_entitlements(list(fields["entitlements"]))
    duration = fields.get("duration")
    if duration in (Duration.UPDATES, Duration.TERM) and not fields.get("duration_days"):
        raise LicensingError("duration_days", _("Give the number of days for this duration."))
    if duration == Duration.PERPETUAL:
        fields["duration_days"] = None
    policy, _created = LicencePolicy.objects.update_or_create(
        product=product, defaults={"store": store, **fields}
    )
    forget_product_key(policy.product_key)
    return policy


def policy_of(product: Product) -> LicencePolicy | None:
    return LicencePolicy.objects.filter(product=product).first()


# --- issuing -----------------------------------------------------------------------------------


def _event(
    licence: Licence,
    action: str,
    *,
    actor: User | None = None,
    label: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    LicenceEvent.objects.create(
        store_id=licence.store_id,
        licence=licence,
        action=action,
        actor=actor,
        actor_label=label or ("owner" if actor else "system"),
        note=note,
        data=data or {},
    )


def issue_licence(
    policy: LicencePolicy,
    *,
    order: Order | None = None,
    line: OrderLine | None = None,
    copy: int = 1,
    email: str = "",
    actor: User | None = None,
    now: datetime | None = None,
) -> tuple[Licence, str]:
    """A new licence under `policy`; returns it with its key (shown, never stored in clear)."""
    now = now or timezone.now()
    expires_at = updates_until = None
    if policy.duration == Duration.TERM and policy.duration_days:
        expires_at = now + timedelta(days=policy.duration_days)
    if policy.duration == Duration.UPDATES and policy.duration_days:
        updates_until = now + timedelta(days=policy.duration_days)
    for _attempt in range(5):
        key = new_key()
        try:
            with transaction.atomic():
                licence = Licence.objects.create(
                    store_id=policy.store_id,
                    key_hash=crypto.key_hash(key),
                    key_sealed=crypto.seal(key.encode("ascii"), "licence-key"),
                    key_hint=key[-5:],
                    policy=policy,
                    product_id=policy.product_id,
                    order=order,
                    order_line=line,
                    copy=copy,
                    email=(email or (order.email if order else "")).lower(),
                    contact_id=order.contact_id if order else None,
                    max_activations=policy.max_activations,
                    expires_at=expires_at,
                    updates_until=updates_until,
                    entitlements=list(policy.entitlements),
                )
                _event(
                    licence,
                    "issued",
                    actor=actor,
                    data={"order": order.number if order else None, "copy": copy},
                )
            return licence, key
        except IntegrityError:
            if (
                line is not None
                and Licence.objects.filter(
                    order_line=line, product_id=policy.product_id, copy=copy
                ).exists()
            ):
                raise
            continue  # a key collision (astronomically rare): draw another
    raise LicensingError("issue_failed", _("Could not issue a key."), 500)


def _licensed_products(line: OrderLine) -> list[Product]:
    product = line.product
    if product.kind == "bundle":
        return [item.item for item in product.bundle_items.select_related("item")]
    return [product]


def issue_for_order(order: Order) -> list[Licence]:
    """Keys for every licensed product of a paid order, one per line and copy; idempotent."""
    if not order.is_paid:
        return []
    made: list[Licence] = []
    lines = scoped(OrderLine, order.store).filter(order=order, refunded=False)
    for line in lines.select_related("product"):
        for product in _licensed_products(line):
            policy = LicencePolicy.objects.filter(product=product, enabled=True).first()
            if policy is None:
                continue
            have = set(
                Licence.objects.filter(order_line=line, product=product).values_list(
                    "copy", flat=True
                )
            )
            for copy in range(1, line.quantity + 1):
                if copy in have:
                    continue
                try:
                    licence, _key = issue_licence(policy, order=order, line=line, copy=copy)
                except IntegrityError:
                    continue  # issued meanwhile by a concurrent delivery of the same event
                made.append(licence)
    return made


def revoke_for_refund(order: Order, *, full: bool) -> int:
    """Revokes the keys of a refunded order (all of them, or the refunded lines')."""
    found = scoped(Licence, order.store).filter(order=order).exclude(status=LicenceStatus.REVOKED)
    if not full:
        found = found.filter(order_line__refunded=True)
    count = 0
    with transaction.atomic():
        for licence in found.select_for_update():
            licence.status = LicenceStatus.REVOKED
            licence.status_reason = "refund" if full else "partial_refund"
            licence.save(update_fields=["status", "status_reason", "updated_at"])
            _event(licence, "revoked", label="system", data={"reason": licence.status_reason})
            count += 1
    return count


# --- owner actions -----------------------------------------------------------------------------

OWNER_ACTIONS = ("suspend", "reinstate", "revoke", "extend", "reset", "note", "unflag")


def owner_action(
    licence: Licence,
    action: str,
    *,
    actor: User | None,
    note: str = "",
    days: int | None = None,
) -> Licence:
    """Suspend, reinstate, revoke, extend by days, reset activations, note, clear a flag."""
    if action not in OWNER_ACTIONS:
        raise LicensingError("unknown_action", _("Unknown action."))
    note = note.strip()[:2000]
    with transaction.atomic():
        locked = Licence.objects.select_for_update().get(pk=licence.pk)
        data: dict[str, Any] = {}
        if action == "suspend":
            if locked.status != LicenceStatus.ACTIVE:
                raise LicensingError("not_active", _("Only an active licence can be suspended."))
            locked.status, locked.status_reason = LicenceStatus.SUSPENDED, "owner"
        elif action == "reinstate":
            if locked.status != LicenceStatus.SUSPENDED:
                raise LicensingError(
                    "not_suspended", _("Only a suspended licence can be reinstated.")
                )
            locked.status, locked.status_reason = LicenceStatus.ACTIVE, ""
        elif action == "revoke":
            if locked.status == LicenceStatus.REVOKED:
                raise LicensingError("revoked", _("This licence is already revoked."))
            locked.status, locked.status_reason = LicenceStatus.REVOKED, "owner"
        elif action == "extend":
            if not days or days < 1 or days > 36500:
                raise LicensingError("days", _("Give a number of days between 1 and 36500."))
            base = max(locked.expires_at or timezone.now(), timezone.now())
            if locked.expires_at:
                locked.expires_at = base + timedelta(days=days)
                data["expires_at"] = locked.expires_at.isoformat()
            if locked.updates_until:
                locked.updates_until = max(locked.updates_until, timezone.now()) + timedelta(
                    days=days
                )
                data["updates_until"] = locked.updates_until.isoformat()
            if not data:
                raise LicensingError("perpetual", _("This licence never expires."))
            data["days"] = days
        elif action == "reset":
            released = (
                scoped(Activation, locked.store)
                .filter(licence=locked)
                .filter(Q(released_at__isnull=True) | ~Q(released_by__in=["reset", "owner"]))
                .update(released_at=timezone.now(), released_by="reset")
            )
            data["released"] = released
        elif action == "unflag":
            locked.flagged, locked.flag_reason = False, ""
        elif action == "note" and not note:
            raise LicensingError("note", _("Write a note."))
        locked.save()
        _event(locked, action, actor=actor, note=note, data=data)
    return locked


# --- the licence API's operations ------------------------------------------------------------


@dataclass(frozen=True)
class ProductContext:
    store_id: int
    product_id: int
    policy_id: int
    binding: str
    refresh_s: int
    grace_s: int
    frees_seat: bool


_product_cache: dict[str, tuple[float, ProductContext | None]] = {}
PRODUCT_CACHE_SECONDS = 30.0


def product_context(product_key: str) -> ProductContext | None:
    """The product behind a public product key; cached in the process for 30 seconds."""
    if not product_key or len(product_key) > 40:
        return None
    now = time.monotonic()
    hit = _product_cache.get(product_key)
    if hit is not None and hit[0] > now:
        return hit[1]
    row = (
        LicencePolicy.objects.filter(product_key=product_key, enabled=True, store__is_active=True)
        .values_list(
            "store_id",
            "product_id",
            "pk",
            "binding",
            "refresh_hours",
            "grace_hours",
            "deactivation_frees_seat",
        )
        .first()
    )
    context = (
        ProductContext(row[0], row[1], row[2], row[3], row[4] * 3600, row[5] * 3600, row[6])
        if row
        else None
    )
    if len(_product_cache) > 10000:
        _product_cache.clear()
    _product_cache[product_key] = (now + PRODUCT_CACHE_SECONDS, context)
    return context


def forget_product_key(product_key: str) -> None:
    _product_cache.pop(product_key, None)


def canonical_key(text: str) -> str:
    try:
        return fmt.normalise_key(text)
    except fmt.FormatError as error:
        raise format_error(error) from error


def tag_of(fingerprint: str) -> str:
    try:
        return fmt.fingerprint_tag(fingerprint)
    except fmt.FormatError as error:
        raise format_error(error) from error


def network_of(ip: str | None) -> str:
    if not ip:
        return ""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def seats_used(licence: Licence, policy_frees_seat: bool) -> QuerySet[Activation]:
    """The activations that hold a seat of `licence`."""
    live = Q(released_at__isnull=True)
    if not policy_frees_seat:
        # A machine the customer released still counts, unless the owner reset the seats.
        live |= Q(released_by__in=["customer", "api"])
    return Activation.objects.filter(licence=licence).filter(live)


def _refusal_for_status(licence: Licence, now: datetime) -> LicensingError | None:
    if licence.status == LicenceStatus.REVOKED:
        return LicensingError("revoked", _("This licence has been revoked."), 403)
    if licence.status == LicenceStatus.SUSPENDED:
        return LicensingError("suspended", _("This licence is suspended."), 403)
    if licence.expires_at and licence.expires_at <= now:
        return LicensingError("expired", _("This licence has expired."), 403)
    return None


def _release_lapsed_leases(licence: Licence, context: ProductContext, now: datetime) -> None:
    """Floating seats: a machine silent for longer than refresh + grace gives its seat back."""
    if context.binding != Binding.FLOATING or not context.refresh_s:
        return
    cutoff = now - timedelta(seconds=context.refresh_s + context.grace_s)
    Activation.objects.filter(licence=licence, released_at__isnull=True).filter(
        Q(last_seen_at__lt=cutoff) | Q(last_seen_at__isnull=True, created_at__lt=cutoff)
    ).update(released_at=now, released_by="lease")


def _check_abuse(licence: Licence, policy: LicencePolicy) -> None:
    if licence.flagged:
        return
    seen = Activation.objects.filter(licence=licence)
    machines = seen.values("fingerprint").distinct().count()
    networks = seen.exclude(network="").values("network").distinct().count()
    reason = ""
    if machines > policy.flag_fingerprints:
        reason = f"{machines} machines"
    elif networks > policy.flag_networks:
        reason = f"{networks} networks"
    if reason:
        licence.flagged, licence.flag_reason = True, reason
        licence.save(update_fields=["flagged", "flag_reason", "updated_at"])
        _event(
            licence, "flagged", label="system", data={"machines": machines, "networks": networks}
        )


@dataclass(frozen=True)
class ActivationResult:
    licence: Licence
    activation: Activation
    activation_code: str
    replayed: bool


def clean_metadata(metadata: Any) -> dict[str, Any]:
    if metadata in (None, ""):
        return {}
    if not isinstance(metadata, dict):
        raise LicensingError("malformed_metadata", _("Metadata must be a JSON object."))
    if len(json.dumps(metadata, ensure_ascii=False).encode("utf-8")) > MAX_METADATA_BYTES:
        raise LicensingError("metadata_too_large", _("Metadata may have at most 2 KB."))
    return metadata


def activate(
    *,
    store_id: int,
    product_id: int | None,
    key: str,
    fingerprint_tag: str,
    name: str = "",
    metadata: dict[str, Any] | None = None,
    ip: str | None = None,
    kind: str = ActivationKind.ONLINE,
    actor: User | None = None,
    label: str = "api",
) -> ActivationResult:
    """Binds a machine to a licence (a seat) and signs its licence; a repeat is answered again."""
    name = (name or "").strip()
    if len(name) > MAX_NAME:
        raise LicensingError(
            "name_too_long", _("The machine name may have at most 200 characters.")
        )
    metadata = clean_metadata(metadata)
    now = timezone.now()
    with transaction.atomic():
        found = Licence.objects.select_for_update().filter(
            key_hash=crypto.key_hash(key), store_id=store_id
        )
        if product_id is not None:
            found = found.filter(product_id=product_id)
        licence = found.select_related("store", "policy").first()
        if licence is None:
            raise LicensingError("unknown_key", _("There is no such licence key."), 404)
        refusal = _refusal_for_status(licence, now)
        if refusal:
            raise refusal
        policy = licence.policy
        context = ProductContext(
            store_id,
            licence.product_id,
            policy.pk,
            policy.binding,
            policy.refresh_hours * 3600,
            policy.grace_hours * 3600,
            policy.deactivation_frees_seat,
        )
        _release_lapsed_leases(licence, context, now)
        existing = Activation.objects.filter(
            licence=licence, fingerprint=fingerprint_tag, released_at__isnull=True
        ).first()
        replayed = existing is not None
        if existing is None:
            # A machine that was released but still holds a seat takes it back.
            reused = (
                seats_used(licence, policy.deactivation_frees_seat)
                .filter(fingerprint=fingerprint_tag)
                .exists()
            )
            if (
                not reused
                and seats_used(licence, policy.deactivation_frees_seat).count()
                >= licence.max_activations
            ):
                raise LicensingError(
                    "activation_limit_reached",
                    _("This key is already activated on the most machines it allows."),
                    403,
                )
            if reused:
                Activation.objects.filter(
                    licence=licence, fingerprint=fingerprint_tag, released_at__isnull=False
                ).update(released_by="replaced")
            existing = Activation.objects.create(
                store_id=store_id,
                licence=licence,
                fingerprint=fingerprint_tag,
                name=name,
                metadata=metadata,
                kind=kind,
                ip=ip,
                network=network_of(ip),
                last_seen_at=now,
            )
            _event(
                licence,
                "activated",
                actor=actor,
                label=label,
                data={"activation": existing.pk, "machine": name, "kind": kind},
            )
            _check_abuse(licence, policy)
        else:
            existing.last_seen_at = now
            existing.save(update_fields=["last_seen_at"])
        code = sign_licence(licence, existing, policy)
    return ActivationResult(licence, existing, code, replayed)


def activate_offline(
    store: Store,
    request_code: str,
    *,
    email: str | None = None,
    actor: User | None = None,
    ip: str | None = None,
) -> ActivationResult:
    """An activation code for a pasted request code (by the customer, or the seller)."""
    try:
        key, tag = fmt.parse_request_code(request_code)
    except fmt.FormatError as error:
        raise format_error(error) from error
    if email is not None:
        # A customer may only activate keys that are theirs.
        owned = scoped(Licence, store).filter(key_hash=crypto.key_hash(key), email=email.lower())
        if not owned.exists():
            raise LicensingError("unknown_key", _("There is no such licence key."), 404)
    return activate(
        store_id=store.pk,
        product_id=None,
        key=key,
        fingerprint_tag=tag,
        name=_("Offline activation"),
        ip=ip,
        kind=ActivationKind.OFFLINE,
        actor=actor,
        label="owner" if actor else "customer",
    )


def deactivate(
    *,
    store_id: int,
    product_id: int | None,
    key: str,
    fingerprint_tag: str | None = None,
    activation_id: int | None = None,
    label: str = "api",
    actor: User | None = None,
) -> Activation:
    """Releases one machine of a licence (its seat too when the policy says so)."""
    with transaction.atomic():
        found = Licence.objects.select_for_update().filter(
            key_hash=crypto.key_hash(key), store_id=store_id
        )
        if product_id is not None:
            found = found.filter(product_id=product_id)
        licence = found.first()
        if licence is None:
            raise LicensingError("unknown_key", _("There is no such licence key."), 404)
        live = Activation.objects.filter(licence=licence, released_at__isnull=True)
        if activation_id is not None:
            live = live.filter(pk=activation_id)
        elif fingerprint_tag is not None:
            live = live.filter(fingerprint=fingerprint_tag)
        else:
            raise LicensingError(
                "missing_machine", _("Say which machine: its fingerprint or activation id.")
            )
        activation = live.first()
        if activation is None:
            raise LicensingError(
                "not_activated", _("This machine is not activated with this key."), 404
            )
        activation.released_at = timezone.now()
        activation.released_by = label
        activation.save(update_fields=["released_at", "released_by"])
        _event(
            licence,
            "deactivated",
            actor=actor,
            label=label,
            data={"activation": activation.pk, "machine": activation.name},
        )
    return activation


def release_for_customer(store: Store, email: str, activation_id: int) -> Activation:
    """A customer releases one of their own machines from My purchases."""
    activation = (
        scoped(Activation, store)
        .filter(pk=activation_id, licence__email=email.lower(), released_at__isnull=True)
        .select_related("licence")
        .first()
    )
    if activation is None:
        raise LicensingError("not_activated", _("This machine is not activated."), 404)
    return deactivate(
        store_id=store.pk,
        product_id=None,
        key=reveal_key(activation.licence),
        activation_id=activation.pk,
        label="customer",
    )
