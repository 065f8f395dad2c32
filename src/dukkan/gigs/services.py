"""Writes of the gigs app: packages, the order state machine, deliveries and the ledger.

Every status change goes through `transition`, which enforces `TRANSITIONS` and writes the
timeline (`GigOrderEvent`); callers hold the order's row lock (`_locked`) while they decide,
so the buyer, the seller, the operator and the auto-complete job never double-act. Money
moves only as `LedgerEntry` rows written in the same transaction as the status change, so
a balance (a sum) can never drift from the orders, refunds and payouts behind it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dukkan.accounts.models import User
from dukkan.catalog.models import Product, ProductKind, Visibility
from dukkan.checkout import services as checkout
from dukkan.checkout.models import Order
from dukkan.core.events import publish
from dukkan.core.models import Store
from dukkan.gigs import events
from dukkan.gigs.mail import BUYER as TO_BUYER
from dukkan.gigs.mail import SELLER as TO_SELLER
from dukkan.gigs.mail import notify
from dukkan.gigs.models import (
    Delivery,
    DeliveryFile,
    GigOrder,
    GigOrderEvent,
    GigSelection,
    GigStatus,
    LedgerEntry,
    LedgerKind,
    MarketplaceSettings,
    QuestionKind,
    RequirementFile,
    RequirementQuestion,
    ServiceExtra,
    ServicePackage,
    Tier,
)
from dukkan.gigs.selectors import (
    active_service_count,
    balance,
    marketplace_settings,
    platform_balance,
)

logger = logging.getLogger(__name__)

G = GigStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    G.REQUIREMENTS_PENDING: frozenset({G.IN_PROGRESS, G.CANCELLED, G.DISPUTED}),
    G.IN_PROGRESS: frozenset({G.DELIVERED, G.CANCELLED, G.DISPUTED}),
    G.DELIVERED: frozenset({G.REVISION_REQUESTED, G.COMPLETED, G.CANCELLED, G.DISPUTED}),
    G.REVISION_REQUESTED: frozenset({G.DELIVERED, G.CANCELLED, G.DISPUTED}),
    G.DISPUTED: frozenset({G.COMPLETED, G.CANCELLED}),
    G.COMPLETED: frozenset(),
    G.CANCELLED: frozenset(),
}

BUYER, SELLER, OPERATOR, SYSTEM = "buyer", "seller", "operator", "system"
MAX_FILES = 10
MAX_MESSAGE = 5000


class IllegalTransition(ValidationError):
    """The order cannot move from its status to the one asked for."""

    def __init__(self, order: GigOrder, to_status: str) -> None:
        self.from_status = order.status
        self.to_status = to_status
        super().__init__(
            _("This order cannot go from “%(from)s” to “%(to)s”.")
            % {"from": G(order.status).label, "to": G(to_status).label},
            code="illegal_transition",
        )


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def _locked(order: GigOrder) -> GigOrder:
    return GigOrder.objects.select_for_update().select_related("store").get(pk=order.pk)


def _refresh(target: GigOrder, source: GigOrder) -> GigOrder:
    for field in GigOrder._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    return target


def record(
    order: GigOrder,
    action: str,
    *,
    role: str,
    actor: User | None = None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> GigOrderEvent:
    return GigOrderEvent.objects.create(
        store_id=order.store_id,
        order=order,
        action=action,
        actor_role=role,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        note=note[:MAX_MESSAGE],
        data=data or {},
    )


def transition(
    order: GigOrder,
    to_status: str,
    *,
    action: str,
    role: str,
    actor: User | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
    fields: Sequence[str] = (),
) -> GigOrder:
    """Move `order` (locked by the caller) to `to_status`; save `fields` with it."""
    if not can_transition(order.status, to_status):
        raise IllegalTransition(order, to_status)
    from_status = order.status
    order.status = to_status
    order.save(update_fields=["status", "updated_at", *fields])
    record(
        order,
        action,
        role=role,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data,
    )
    publish(
        events.GigOrderChanged(
            gig_order_id=order.pk,
            store_id=order.store_id,
            from_status=from_status,
            to_status=to_status,
        )
    )
    return order


def _change(
    order: GigOrder, decide: Callable[[GigOrder], None], *, now: datetime | None = None
) -> GigOrder:
    """Run `decide` on the locked order inside one transaction, then refresh the caller's copy."""
    with transaction.atomic():
        locked = _locked(order)
        decide(locked)
    return _refresh(order, locked)


# --------------------------------------------------------------------- seller terms


@dataclass(frozen=True)
class SellerTerms:
    """What a seller's level allows: `max_active_services` None means no cap."""

    max_active_services: int | None
    clearing_days: int
    level_label: str = ""


SellerTermsProvider = Callable[[int], SellerTerms]
_terms_provider: list[SellerTermsProvider] = []


def register_seller_terms(provider: SellerTermsProvider) -> None:
    """Let another app (report cards' levels) decide each seller's terms; gigs cannot import
    it (it reads gigs' models), so it registers itself here from its AppConfig.ready()."""
    _terms_provider[:] = [provider]


def seller_terms(store_id: int) -> SellerTerms:
    """The registered provider's terms, else the marketplace's clearing period and no cap."""
    if _terms_provider:
        return _terms_provider[0](store_id)
    return SellerTerms(max_active_services=None, clearing_days=marketplace_settings().clearing_days)


def check_service_cap(product: Product) -> None:
    """Catalog's publish check: refuse a service that would take the store past the number
    of active services its level allows. The store row is locked so two publishes at once
    cannot both take the last place."""
    if product.kind != ProductKind.SERVICE or product.visibility == Visibility.DRAFT:
        return
    terms = seller_terms(product.store_id)
    cap = terms.max_active_services
    if cap is None:
        return
    Store.objects.select_for_update().filter(pk=product.store_id).first()
    active = active_service_count(product.store_id, exclude_pk=product.pk)
    if active >= cap:
        raise ValidationError(
            ngettext(
                "The level “%(level)s” allows at most %(count)s active service, and "
                "%(active)s are active. Set another service to draft first.",
                "The level “%(level)s” allows at most %(count)s active services, and "
                "%(active)s are active. Set another service to draft first.",
                cap,
            )
            % {"level": terms.level_label, "count": cap, "active": active},
            code="service_cap",
        )


# ---------------------------------------------------------------------------- money


def commission_of(amount_minor: int, bp: int) -> int:
    """The platform's commission on `amount_minor`, rounded half up (never negative)."""
    if amount_minor <= 0 or bp <= 0:
        return 0
    return (2 * amount_minor * bp + 10_000) // 20_000


def _entry(
    order: GigOrder | None,
    store_id: int,
    kind: str,
    amount_minor: int,
    currency: str,
    *,
    available_at: datetime | None = None,
    note: str = "",
    by: User | None = None,
) -> LedgerEntry:
    return LedgerEntry.objects.create(
        store_id=store_id,
        gig_order=order,
        kind=kind,
        amount_minor=amount_minor,
        currency=currency,
        available_at=available_at,
        note=note[:300],
        by=by,
    )


def _held_net(order: GigOrder) -> int:
    """The order's share still held (what completion moves into clearing)."""
    return order.price_minor - order.refunded_minor - order.commission_minor


def _refund(order: GigOrder, amount_minor: int, *, reason: str, by: User | None) -> None:
    """Pay `amount_minor` back to the buyer through checkout, and book it on the ledger (the
    `OrderRefunded` handler then finds it booked and books nothing)."""
    if amount_minor <= 0:
        return
    if amount_minor > order.price_minor - order.refunded_minor:
        raise ValidationError(
            _("A refund can be at most what is left of the order's price."), code="amount"
        )
    checkout.refund(order.checkout_order, amount_minor=amount_minor, reason=reason, by=by)
    _book_refund(order, amount_minor, note=reason, role=OPERATOR if by else SYSTEM, actor=by)


def _book_refund(
    order: GigOrder, amount_minor: int, *, note: str, role: str, actor: User | None
) -> None:
    """Book a refund of the (locked) order: the seller's share shrinks by the refund, less the
    commission no longer due on it. Before completion the entries are held like the
    earning; after it the cleared money is owed back at once (available now)."""
    kept = order.price_minor - order.refunded_minor - amount_minor
    new_commission = commission_of(kept, order.commission_bp)
    returned = order.commission_minor - new_commission
    when = timezone.now() if order.status == G.COMPLETED else None
    cur = order.currency
    _entry(
        order, order.store_id, LedgerKind.REFUND, -amount_minor, cur, available_at=when, note=note
    )
    if returned:
        _entry(order, order.store_id, LedgerKind.COMMISSION, returned, cur, available_at=when)
    order.refunded_minor += amount_minor
    order.commission_minor = new_commission
    order.save(update_fields=["refunded_minor", "commission_minor", "updated_at"])
    record(order, "refund", role=role, actor=actor, note=note, data={"amount_minor": amount_minor})


def book_checkout_refund(checkout_order_id: int) -> int:
    """Book what checkout refunded on a service order and the gig order does not know yet
    (a refund made from the store's orders dashboard); returns the amount booked.

    Idempotent: under the gig order's row lock, the checkout order's refunded total is
    compared with the gig order's, so gigs' own refunds (booked in the same transaction as
    checkout's) and a repeated event book nothing. A full refund cancels an open order."""
    from dukkan.checkout.models import Refund

    with transaction.atomic():
        gig = (
            GigOrder.objects.select_for_update()
            .select_related("store")
            .filter(checkout_order_id=checkout_order_id)
            .first()
        )
        if gig is None:
            return 0
        refunded = (
            Order.objects.filter(pk=checkout_order_id)
            .values_list("refunded_minor", flat=True)
            .first()
            or 0
        )
        missing = min(refunded, gig.price_minor) - gig.refunded_minor
        if missing <= 0:
            return 0
        last = Refund.objects.filter(order_id=checkout_order_id).select_related("by").last()
        actor = last.by if last is not None else None
        role = OPERATOR if actor is not None and actor.is_operator else SELLER
        reason = (last.reason if last is not None else "") or _("Refunded from the orders page.")
        _book_refund(gig, missing, note=reason, role=role, actor=actor)
        if gig.refunded_minor >= gig.price_minor and gig.status not in (G.COMPLETED, G.CANCELLED):
            # Nothing is left to pay for: the work stops, and the timeline says why.
            gig.cancelled_at = timezone.now()
            gig.cancel_proposed_by = ""
            transition(
                gig,
                G.CANCELLED,
                action="checkout_refund",
                role=role,
                actor=actor,
                note=_("Refunded in full from the orders page: the service order is cancelled."),
                data={"refund_minor": missing},
                fields=["cancelled_at", "cancel_proposed_by"],
            )
            notify(gig, "cancelled", to=TO_BUYER)
    return missing


def sync_checkout_refunds() -> int:
    """Book checkout refunds the gig ledger missed (the in-process `OrderRefunded` handler
    runs after checkout's commit; a crash in between would lose it). Hourly; idempotent."""
    missed = GigOrder.objects.filter(
        checkout_order__refunded_minor__gt=F("refunded_minor")
    ).values_list("checkout_order_id", flat=True)[:1000]
    return sum(book_checkout_refund(order_id) for order_id in missed)


def _clear(order: GigOrder, now: datetime) -> None:
    """Move the order's held net share into the clearing period (a pair of entries); the
    period is the seller's level's (see `seller_terms`)."""
    net = _held_net(order)
    if net == 0:
        return
    available_at = now + timedelta(days=seller_terms(order.store_id).clearing_days)
    _entry(order, order.store_id, LedgerKind.CLEARING, -net, order.currency)
    _entry(
        order, order.store_id, LedgerKind.CLEARING, net, order.currency, available_at=available_at
    )


def record_payout(
    store: Store, amount_minor: int, *, by: User, reference: str = "", now: datetime | None = None
) -> LedgerEntry:
    """The operator paid `amount_minor` to the seller (at most what is available)."""
    if not by.is_operator:
        raise ValidationError(
            _("Only the marketplace operator can record payouts."), code="forbidden"
        )
    if amount_minor <= 0:
        raise ValidationError(_("A payout must be more than zero."), code="amount")
    now = now or timezone.now()
    with transaction.atomic():
        Store.objects.select_for_update().filter(pk=store.pk).first()  # one payout at a time
        available = balance(store.pk, now=now).available
        if amount_minor > available:
            raise ValidationError(
                _("A payout can be at most the seller's available balance."), code="amount"
            )
        return _entry(
            None,
            store.pk,
            LedgerKind.PAYOUT,
            -amount_minor,
            store.currency,
            available_at=now,
            note=reference,
            by=by,
        )


def record_bonus(
    store: Store, amount_minor: int, currency: str, reason: str, by: User | None
) -> LedgerEntry:
    """A bonus from the platform to the seller, withdrawable at once.

    Refused when it is not positive, in another currency than the store's, or larger than
    the platform's balance in that currency (commissions kept less bonuses granted).
    """
    if amount_minor <= 0:
        raise ValidationError(_("A bonus must be more than zero."), code="amount")
    if currency != store.currency:
        raise ValidationError(_("A bonus is paid in the store's currency."), code="currency")
    if not reason.strip():
        raise ValidationError(_("Say why the bonus is given."), code="reason")
    with transaction.atomic():
        # Bonuses draw on one pool per currency: serialise them on the settings row.
        MarketplaceSettings.objects.select_for_update().filter(pk=marketplace_settings().pk).first()
        if amount_minor > platform_balance(currency):
            raise ValidationError(
                _("The bonus is larger than the platform's balance."), code="pool"
            )
        return _entry(
            None,
            store.pk,
            LedgerKind.BONUS,
            amount_minor,
            currency,
            available_at=timezone.now(),
            note=reason.strip(),
            by=by,
        )


# ------------------------------------------------------------------------ packages


@dataclass
class PackageInput:
    tier: str
    title: str
    price_minor: int
    delivery_days: int
    revisions: int
    description: str = ""
    features: Sequence[str] = ()


def bump_pages() -> None:
    """Product pages are cached whole for visitors: packages and reviews change them."""
    from dukkan.core import pagecache

    pagecache.bump_stores_version()
    transaction.on_commit(pagecache.bump_stores_version)


def _check_service(product: Product) -> None:
    if product.kind != ProductKind.SERVICE:
        raise ValidationError(_("Packages belong to services only."), code="kind")


def save_packages(product: Product, inputs: Sequence[PackageInput]) -> list[ServicePackage]:
    """Replace the service's packages (one to three, one per tier), all or nothing."""
    _check_service(product)
    if not 1 <= len(inputs) <= 3:
        raise ValidationError(_("A service has one to three packages."), code="count")
    tiers = [item.tier for item in inputs]
    if len(set(tiers)) != len(tiers) or not set(tiers) <= set(Tier.values):
        raise ValidationError(_("Each package tier can be used once."), code="tier")
    for item in inputs:
        if not item.title.strip():
            raise ValidationError(_("Every package needs a title."), code="title")
        if item.price_minor <= 0:
            raise ValidationError(_("A package's price must be more than zero."), code="price")
        if not 1 <= item.delivery_days <= 365:
            raise ValidationError(
                _("Delivery time must be between 1 and 365 days."), code="delivery_days"
            )
        if not 0 <= item.revisions <= 50:
            raise ValidationError(_("Revisions must be between 0 and 50."), code="revisions")
    with transaction.atomic():
        ServicePackage.objects.filter(product=product).exclude(tier__in=tiers).delete()
        saved = []
        for item in inputs:
            package, _created = ServicePackage.objects.update_or_create(
                product=product,
                tier=item.tier,
                defaults={
                    "store_id": product.store_id,
                    "title": item.title.strip()[:120],
                    "description": item.description.strip(),
                    "price_minor": item.price_minor,
                    "currency": product.store.currency,
                    "delivery_days": item.delivery_days,
                    "revisions": item.revisions,
                    "features": [f.strip()[:200] for f in item.features if f.strip()][:20],
                },
            )
            saved.append(package)
        # The product's own price is the "from" price its cards and listings show.
        from dukkan.catalog.services import update_product

        update_product(product, price_minor=min(item.price_minor for item in inputs))
        bump_pages()
    return saved


def add_extra(product: Product, title: str, price_minor: int, extra_days: int = 0) -> ServiceExtra:
    _check_service(product)
    if not title.strip():
        raise ValidationError(_("An extra needs a title."), code="title")
    if price_minor <= 0:
        raise ValidationError(_("An extra's price must be more than zero."), code="price")
    bump_pages()
    return ServiceExtra.objects.create(
        store_id=product.store_id,
        product=product,
        title=title.strip()[:120],
        price_minor=price_minor,
        currency=product.store.currency,
        extra_days=max(extra_days, 0),
        position=ServiceExtra.objects.filter(product=product).count(),
    )


def add_question(
    product: Product, question: str, *, kind: str = QuestionKind.TEXT, required: bool = True
) -> RequirementQuestion:
    _check_service(product)
    if not question.strip():
        raise ValidationError(_("Write the question."), code="question")
    if kind not in QuestionKind.values:
        raise ValidationError(_("Unknown answer type."), code="kind")
    return RequirementQuestion.objects.create(
        store_id=product.store_id,
        product=product,
        question=question.strip()[:300],
        kind=kind,
        required=required,
        position=RequirementQuestion.objects.filter(product=product).count(),
    )


# ------------------------------------------------------------------------ ordering


def price_selection(
    package: ServicePackage, extra_ids: Sequence[int]
) -> tuple[int, list[ServiceExtra]]:
    chosen = list(ServiceExtra.objects.filter(product_id=package.product_id, pk__in=extra_ids))
    if len(chosen) != len(set(extra_ids)):
        raise ValidationError(_("Choose extras of this service only."), code="extras")
    return package.price_minor + sum(extra.price_minor for extra in chosen), chosen


def order_package(
    package: ServicePackage,
    *,
    email: str,
    name: str = "",
    language: str = "en",
    provider: str,
    buyer: User | None = None,
    extra_ids: Sequence[int] = (),
) -> Order:
    """A pending checkout order for `package` (+ extras), priced here; paying it makes the
    gig order (see `handlers`)."""
    product = package.product
    price, chosen = price_selection(package, extra_ids)
    title = f"{product.title} — {package.title}"
    with transaction.atomic():
        order = checkout.start_checkout(
            product.store,
            product,
            email=email,
            name=name,
            language=language,
            provider=provider,
            buyer=buyer,
            priced_line=checkout.PricedLine(title=title[:300], unit_minor=price),
        )
        GigSelection.objects.create(
            store_id=product.store_id,
            checkout_order=order,
            package=package,
            extra_ids=[extra.pk for extra in chosen],
            price_minor=price,
            delivery_days=package.delivery_days + sum(extra.extra_days for extra in chosen),
            revisions=package.revisions,
        )
    return order


def _open_conversation(order: GigOrder) -> None:
    """The buyer↔seller conversation of the order, in the seller's inbox."""
    from dukkan.support import services as support
    from dukkan.support.models import Channel

    visitor = support.create_visitor(
        order.store,
        name=order.buyer_name,
        email=order.buyer_email,
        language=order.checkout_order.language,
    )
    conversation = support.start_conversation(
        visitor,
        channel=Channel.STOREFRONT,
        subject=_("Order: %(title)s") % {"title": order.title},
    )
    order.conversation = conversation
    order.save(update_fields=["conversation", "updated_at"])


def create_from_paid_order(order_id: int) -> GigOrder | None:
    """The gig order of a paid checkout order; idempotent (a second call returns the first)."""
    with transaction.atomic():
        paid = Order.objects.select_for_update().select_related("store").filter(pk=order_id).first()
        if paid is None or not paid.is_paid:
            return None
        existing = GigOrder.objects.filter(checkout_order=paid).first()
        if existing is not None:
            return existing
        selection = (
            GigSelection.objects.select_related("package__product")
            .filter(checkout_order=paid)
            .first()
        )
        if selection is None:
            return None
        settings = marketplace_settings()
        package = selection.package
        price = paid.total_minor
        extras = [
            {"title": e.title, "price_minor": e.price_minor}
            for e in ServiceExtra.objects.filter(pk__in=selection.extra_ids)
        ]
        gig = GigOrder.objects.create(
            store_id=paid.store_id,
            product=package.product,
            package=package,
            tier=package.tier,
            title=paid.lines.values_list("title", flat=True).first() or package.title,
            checkout_order=paid,
            contact=paid.contact,
            buyer=paid.buyer,
            buyer_email=paid.email,
            buyer_name=paid.name,
            extras=extras,
            price_minor=price,
            commission_bp=settings.commission_bp,
            commission_minor=commission_of(price, settings.commission_bp),
            currency=paid.currency,
            delivery_days=selection.delivery_days,
            revisions_allowed=selection.revisions,
        )
        record(
            gig,
            "paid",
            role=BUYER,
            actor=paid.buyer,
            to_status=gig.status,
            data={"checkout_order": paid.number, "price_minor": price},
        )
        _entry(gig, gig.store_id, LedgerKind.EARNING, price, gig.currency)
        if gig.commission_minor:
            _entry(gig, gig.store_id, LedgerKind.COMMISSION, -gig.commission_minor, gig.currency)
        _open_conversation(gig)
        if not RequirementQuestion.objects.filter(product=gig.product).exists():
            _start(gig, timezone.now(), role=SYSTEM, actor=None)
        else:
            notify(gig, "paid", to=TO_BUYER)
    return gig


# ---------------------------------------------------------------- the workflow


def _start(order: GigOrder, now: datetime, *, role: str, actor: User | None) -> None:
    order.started_at = now
    order.due_at = now + timedelta(days=order.delivery_days)
    transition(
        order,
        G.IN_PROGRESS,
        action="requirements",
        role=role,
        actor=actor,
        fields=["started_at", "due_at"],
    )
    notify(order, "requirements", to=TO_SELLER)


def _check_files(files: Sequence[UploadedFile], settings: MarketplaceSettings) -> None:
    if len(files) > MAX_FILES:
        raise ValidationError(
            _("At most %(count)s files at once.") % {"count": MAX_FILES}, code="files"
        )
    limit = settings.max_requirement_file_mb * 1024 * 1024
    for upload in files:
        if (upload.size or 0) > limit:
            raise ValidationError(
                _("“%(name)s” is larger than %(mb)s MB.")
                % {"name": upload.name, "mb": settings.max_requirement_file_mb},
                code="file_size",
            )


def _is_buyer(order: GigOrder, user: User | None) -> bool:
    return bool(user and user.is_authenticated and order.buyer_id == user.pk)


def submit_requirements(
    order: GigOrder,
    answers: Mapping[int, str],
    files: Mapping[int, Sequence[UploadedFile]],
    *,
    by: User | None = None,
    now: datetime | None = None,
) -> GigOrder:
    """The buyer's answers (and files); the deadline starts now."""
    settings = marketplace_settings()
    now = now or timezone.now()
    questions = list(RequirementQuestion.objects.filter(product_id=order.product_id))
    all_files = [f for group in files.values() for f in group]
    _check_files(all_files, settings)
    filled: list[dict[str, Any]] = []
    for question in questions:
        answer = (answers.get(question.pk) or "").strip()[:MAX_MESSAGE]
        given = list(files.get(question.pk) or [])
        if question.required and not (answer if question.kind == QuestionKind.TEXT else given):
            raise ValidationError(
                _("Answer “%(question)s”.") % {"question": question.question}, code="required"
            )
        filled.append(
            {"question": question.question, "answer": answer, "files": [f.name for f in given]}
        )

    def decide(locked: GigOrder) -> None:
        if locked.status != G.REQUIREMENTS_PENDING:
            raise IllegalTransition(locked, G.IN_PROGRESS)
        for question in questions:
            for upload in files.get(question.pk) or []:
                RequirementFile.objects.create(
                    store_id=locked.store_id,
                    order=locked,
                    question=question,
                    file=upload,
                    name=(upload.name or "file")[:200],
                    size=upload.size or 0,
                )
        locked.requirements = filled
        locked.save(update_fields=["requirements", "updated_at"])
        _start(locked, now, role=BUYER, actor=by)

    return _change(order, decide)


def deliver(
    order: GigOrder,
    *,
    message: str,
    files: Sequence[UploadedFile] = (),
    by: User | None = None,
    now: datetime | None = None,
) -> Delivery:
    """The seller delivers (files and/or a message); refused with neither."""
    message = (message or "").strip()
    files = [f for f in files if f]
    if not message and not files:
        raise ValidationError(
            _("A delivery needs a message or at least one file."), code="empty_delivery"
        )
    if len(message) > MAX_MESSAGE:
        raise ValidationError(_("The message is too long."), code="message")
    _check_files(files, marketplace_settings())
    now = now or timezone.now()
    made: list[Delivery] = []

    def decide(locked: GigOrder) -> None:
        if not can_transition(locked.status, G.DELIVERED):
            raise IllegalTransition(locked, G.DELIVERED)
        late = bool(locked.due_at and now > locked.due_at)
        delivery = Delivery.objects.create(
            store_id=locked.store_id, order=locked, message=message, by=by, late=late
        )
        for upload in files:
            DeliveryFile.objects.create(
                store_id=locked.store_id,
                delivery=delivery,
                file=upload,
                name=(upload.name or "file")[:200],
                size=upload.size or 0,
            )
        fields = ["last_delivered_at"]
        locked.last_delivered_at = now
        if locked.delivered_at is None:
            locked.delivered_at = now
            fields.append("delivered_at")
            if late and not locked.is_late:
                locked.is_late = True
                fields.append("is_late")
        transition(
            locked,
            G.DELIVERED,
            action="delivery",
            role=SELLER,
            actor=by,
            note=message,
            data={"delivery": delivery.pk, "files": len(files), "late": late},
            fields=fields,
        )
        notify(locked, "delivered", to=TO_BUYER)
        made.append(delivery)

    _change(order, decide)
    return made[0]


def request_revision(
    order: GigOrder, *, note: str = "", by: User | None = None, now: datetime | None = None
) -> GigOrder:
    """The buyer asks for changes; counts against the package's revisions."""

    def decide(locked: GigOrder) -> None:
        if not can_transition(locked.status, G.REVISION_REQUESTED):
            raise IllegalTransition(locked, G.REVISION_REQUESTED)
        if locked.revisions_used >= locked.revisions_allowed:
            raise ValidationError(_("No revisions are left in this package."), code="no_revisions")
        locked.revisions_used += 1
        transition(
            locked,
            G.REVISION_REQUESTED,
            action="revision",
            role=BUYER,
            actor=by,
            note=note.strip(),
            fields=["revisions_used"],
        )
        notify(locked, "revision", to=TO_SELLER)

    return _change(order, decide)


def _complete(
    locked: GigOrder,
    now: datetime,
    *,
    action: str,
    role: str,
    actor: User | None,
    auto: bool = False,
    note: str = "",
) -> None:
    locked.completed_at = now
    locked.auto_completed = auto
    locked.cancel_proposed_by = ""
    transition(
        locked,
        G.COMPLETED,
        action=action,
        role=role,
        actor=actor,
        note=note,
        fields=["completed_at", "auto_completed", "cancel_proposed_by"],
    )
    _clear(locked, now)
    if action == "accept":
        notify(locked, "accepted", to=TO_SELLER)
    if action == "dispute_release":
        notify(locked, "dispute_decided", to=TO_BUYER)
        notify(locked, "dispute_decided", to=TO_SELLER)
    else:
        notify(locked, "completed", to=TO_BUYER)


def accept(order: GigOrder, *, by: User | None = None, now: datetime | None = None) -> GigOrder:
    """The buyer accepts the delivery: the order completes and its earning starts clearing."""
    now = now or timezone.now()

    def decide(locked: GigOrder) -> None:
        if locked.status != G.DELIVERED:
            raise IllegalTransition(locked, G.COMPLETED)
        _complete(locked, now, action="accept", role=BUYER, actor=by)

    return _change(order, decide)


BATCH = 200


def auto_complete_due(now: datetime | None = None) -> int:
    """Complete delivered orders the buyer left unanswered for the marketplace's N days.

    A batch of due orders is locked with one query (rows another worker or a buyer holds are
    skipped and wait for the next run); each is then completed as `accept` would."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=marketplace_settings().auto_complete_days)
    done = 0
    for _round in range(1000 // BATCH):
        with transaction.atomic():
            batch = list(
                GigOrder.objects.select_for_update(skip_locked=True)
                .filter(status=G.DELIVERED, last_delivered_at__lte=cutoff)
                .order_by("pk")[:BATCH]
            )
            for locked in batch:
                _complete(locked, now, action="auto_complete", role=SYSTEM, actor=None, auto=True)
        done += len(batch)
        if len(batch) < BATCH:
            break
    return done


def mark_late(now: datetime | None = None) -> int:
    """Flag open orders whose deadline passed with nothing delivered: per batch one locking
    query, one update and one insert of timeline rows."""
    now = now or timezone.now()
    count = 0
    for _round in range(1000 // BATCH):
        with transaction.atomic():
            batch = list(
                GigOrder.objects.select_for_update(skip_locked=True)
                .filter(
                    status=G.IN_PROGRESS, due_at__lt=now, delivered_at__isnull=True, is_late=False
                )
                .order_by("pk")[:BATCH]
            )
            if not batch:
                break
            GigOrder.objects.filter(pk__in=[o.pk for o in batch]).update(
                is_late=True, updated_at=now
            )
            GigOrderEvent.objects.bulk_create(
                [
                    GigOrderEvent(
                        store_id=order.store_id,
                        order=order,
                        action="late",
                        actor_role=SYSTEM,
                        data={"due_at": order.due_at.isoformat() if order.due_at else ""},
                    )
                    for order in batch
                ]
            )
            for order in batch:
                notify(order, "late", to=TO_BUYER)
        count += len(batch)
        if len(batch) < BATCH:
            break
    return count


def _cancel(
    locked: GigOrder,
    now: datetime,
    *,
    action: str,
    role: str,
    actor: User | None,
    note: str,
    refund_minor: int,
) -> None:
    """Cancel with a refund of `refund_minor`; what is not refunded is released to the seller."""
    _refund(locked, refund_minor, reason=note or action, by=actor if role == OPERATOR else None)
    locked.cancelled_at = now
    locked.cancel_proposed_by = ""
    transition(
        locked,
        G.CANCELLED,
        action=action,
        role=role,
        actor=actor,
        note=note,
        data={"refund_minor": refund_minor},
        fields=["cancelled_at", "cancel_proposed_by"],
    )
    kind = "dispute_decided" if action == "dispute_refund" else "cancelled"
    notify(locked, kind, to=TO_BUYER)
    notify(locked, kind, to=TO_SELLER)


def propose_cancel(order: GigOrder, *, role: str, reason: str, by: User | None = None) -> GigOrder:
    """One side proposes cancelling (full refund); the other side accepts or not."""
    if role not in (BUYER, SELLER):
        raise ValidationError(_("Only the buyer or the seller can propose this."), code="role")
    if not reason.strip():
        raise ValidationError(_("Say why you want to cancel."), code="reason")

    def decide(locked: GigOrder) -> None:
        if not can_transition(locked.status, G.CANCELLED) or locked.status == G.DISPUTED:
            raise IllegalTransition(locked, G.CANCELLED)
        if locked.cancel_proposed_by:
            raise ValidationError(_("A cancellation is already proposed."), code="proposed")
        locked.cancel_proposed_by = role
        locked.cancel_reason = reason.strip()[:MAX_MESSAGE]
        locked.save(update_fields=["cancel_proposed_by", "cancel_reason", "updated_at"])
        record(locked, "cancel_proposed", role=role, actor=by, note=locked.cancel_reason)
        notify(locked, "cancel_proposed", to=TO_SELLER if role == BUYER else TO_BUYER)

    return _change(order, decide)


def answer_cancel(
    order: GigOrder, *, role: str, agree: bool, by: User | None = None, now: datetime | None = None
) -> GigOrder:
    """The other side agrees (cancelled, full refund) or declines (the order goes on)."""
    now = now or timezone.now()

    def decide(locked: GigOrder) -> None:
        if not locked.cancel_proposed_by or locked.cancel_proposed_by == role:
            raise ValidationError(
                _("There is no cancellation proposal for you to answer."), code="no_proposal"
            )
        if role not in (BUYER, SELLER):
            raise ValidationError(_("Only the buyer or the seller can answer."), code="role")
        if not agree:
            locked.cancel_proposed_by = ""
            locked.save(update_fields=["cancel_proposed_by", "updated_at"])
            record(locked, "cancel_declined", role=role, actor=by)
            return
        if not can_transition(locked.status, G.CANCELLED):
            raise IllegalTransition(locked, G.CANCELLED)
        _cancel(
            locked,
            now,
            action="cancel_agreed",
            role=role,
            actor=by,
            note=locked.cancel_reason,
            refund_minor=locked.price_minor - locked.refunded_minor,
        )

    return _change(order, decide)


def cancel_late(
    order: GigOrder, *, by: User | None = None, now: datetime | None = None
) -> GigOrder:
    """The buyer cancels an order past its deadline with nothing delivered: a full refund."""
    now = now or timezone.now()

    def decide(locked: GigOrder) -> None:
        overdue = locked.due_at is not None and now > locked.due_at
        if locked.status != G.IN_PROGRESS or not overdue or locked.delivered_at is not None:
            raise ValidationError(
                _(
                    "Only an order past its deadline with nothing delivered can be cancelled this way."
                ),
                code="not_late",
            )
        if not locked.is_late:
            locked.is_late = True
            locked.save(update_fields=["is_late", "updated_at"])
        _cancel(
            locked,
            now,
            action="cancel_late",
            role=BUYER,
            actor=by,
            note=_("Cancelled by the buyer: the order was late."),
            refund_minor=locked.price_minor - locked.refunded_minor,
        )

    return _change(order, decide)


def open_dispute(order: GigOrder, *, role: str, reason: str, by: User | None = None) -> GigOrder:
    """Either side asks the operator to decide."""
    if role not in (BUYER, SELLER):
        raise ValidationError(_("Only the buyer or the seller can open a dispute."), code="role")
    if not reason.strip():
        raise ValidationError(_("Say what the dispute is about."), code="reason")

    def decide(locked: GigOrder) -> None:
        locked.dispute_reason = reason.strip()[:MAX_MESSAGE]
        locked.cancel_proposed_by = ""
        transition(
            locked,
            G.DISPUTED,
            action="dispute",
            role=role,
            actor=by,
            note=locked.dispute_reason,
            fields=["dispute_reason", "cancel_proposed_by"],
        )
        notify(locked, "dispute_opened", to=TO_SELLER if role == BUYER else TO_BUYER)

    return _change(order, decide)


def resolve_dispute(
    order: GigOrder,
    *,
    refund_minor: int,
    note: str,
    by: User,
    now: datetime | None = None,
) -> GigOrder:
    """The operator decides: a full refund cancels the order; a partial refund or none
    completes it, releasing the rest to the seller (after the clearing period)."""
    if not by.is_operator:
        raise ValidationError(
            _("Only the marketplace operator can decide disputes."), code="forbidden"
        )
    if not note.strip():
        raise ValidationError(_("Write the decision for both sides."), code="note")
    now = now or timezone.now()

    def decide(locked: GigOrder) -> None:
        if locked.status != G.DISPUTED:
            raise IllegalTransition(locked, G.COMPLETED)
        left = locked.price_minor - locked.refunded_minor
        if refund_minor < 0 or refund_minor > left:
            raise ValidationError(
                _("A refund can be at most what is left of the order's price."), code="amount"
            )
        if refund_minor == left and left > 0:
            _cancel(
                locked,
                now,
                action="dispute_refund",
                role=OPERATOR,
                actor=by,
                note=note.strip(),
                refund_minor=refund_minor,
            )
            return
        _refund(locked, refund_minor, reason=note.strip(), by=by)
        _complete(locked, now, action="dispute_release", role=OPERATOR, actor=by, note=note.strip())

    return _change(order, decide)


def post_buyer_message(order: GigOrder, body: str) -> None:
    """The buyer writes in the order's conversation (the seller's inbox gets it live)."""
    from dukkan.support import services as support
    from dukkan.support.models import AuthorKind

    if order.conversation is None:
        raise ValidationError(_("This order has no conversation."), code="no_conversation")
    support.post_message(order.conversation, author_kind=AuthorKind.VISITOR, body=body)


def post_seller_message(order: GigOrder, body: str, *, by: User) -> None:
    from dukkan.support import services as support
    from dukkan.support.models import AuthorKind

    if order.conversation is None:
        raise ValidationError(_("This order has no conversation."), code="no_conversation")
    support.post_message(order.conversation, author_kind=AuthorKind.AGENT, body=body, author=by)


def save_marketplace_settings(
    *,
    by: User,
    commission_bp: int,
    clearing_days: int,
    auto_complete_days: int,
    review_after_days: int,
    max_requirement_file_mb: int,
) -> MarketplaceSettings:
    if not by.is_operator:
        raise ValidationError(_("Only the marketplace operator can change this."), code="forbidden")
    if not 0 <= commission_bp <= 5000:
        raise ValidationError(_("Commission must be between 0 and 50 percent."), code="commission")
    for value in (clearing_days, auto_complete_days, review_after_days):
        if not 0 <= value <= 365:
            raise ValidationError(_("Days must be between 0 and 365."), code="days")
    if not 1 <= max_requirement_file_mb <= 500:
        raise ValidationError(_("The file limit must be between 1 and 500 MB."), code="mb")
    settings = marketplace_settings()
    settings.commission_bp = commission_bp
    settings.clearing_days = clearing_days
    settings.auto_complete_days = auto_complete_days
    settings.review_after_days = review_after_days
    settings.max_requirement_file_mb = max_requirement_file_mb
    settings.save()
    return settings
