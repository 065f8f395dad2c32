"""Reads of the gigs app: packages, orders, balances (sums of ledger entries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from dukkan.catalog.models import Product, ProductKind
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.gigs.models import (
    TIER_ORDER,
    GigOrder,
    GigStatus,
    LedgerEntry,
    LedgerKind,
    MarketplaceSettings,
    RequirementQuestion,
    ServiceExtra,
    ServicePackage,
)


def marketplace_settings() -> MarketplaceSettings:
    found = MarketplaceSettings.objects.filter(pk=1).first()
    if found is not None:
        return found
    settings, _ = MarketplaceSettings.objects.get_or_create(pk=1)
    return settings


def active_service_count(store_id: int, *, exclude_pk: int | None = None) -> int:
    """The store's services buyers can reach: published or unlisted, not held by review."""
    from dukkan.catalog.models import Visibility
    from dukkan.moderation.selectors import without_held

    found = without_held(
        Product.objects.filter(
            store_id=store_id,
            kind=ProductKind.SERVICE,
            visibility__in=[Visibility.PUBLISHED, Visibility.UNLISTED],
        )
    )
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return found.count()


def is_service_order(checkout_order_id: int) -> bool:
    """A checkout order that sells a service package (chosen at checkout, paid or not)."""
    from dukkan.gigs.models import GigSelection

    return GigSelection.objects.filter(checkout_order_id=checkout_order_id).exists()


def is_service(product: Product) -> bool:
    return product.kind == ProductKind.SERVICE


def packages(product: Product) -> list[ServicePackage]:
    found = list(ServicePackage.objects.filter(product=product))
    return sorted(found, key=lambda p: TIER_ORDER.get(p.tier, 9))


def extras(product: Product) -> QuerySet[ServiceExtra]:
    return ServiceExtra.objects.filter(product=product)


def questions(product: Product) -> QuerySet[RequirementQuestion]:
    return RequirementQuestion.objects.filter(product=product)


def gig_orders(store: Store) -> QuerySet[GigOrder]:
    return scoped(GigOrder, store).select_related("product", "store")


def gig_order_by_token(store: Store, token: str) -> GigOrder | None:
    if not token:
        return None
    return gig_orders(store).filter(token=token).first()


@dataclass(frozen=True)
class Balance:
    """A seller's money in minor units of `currency`.

    pending: held (orders not completed) or cleared but inside the clearing period;
    available: withdrawable now (payouts already subtracted); paid_out: paid so far.
    """

    pending: int
    available: int
    paid_out: int
    currency: str

    @property
    def total(self) -> int:
        return self.pending + self.available


def balance(store_id: int, *, now: datetime | None = None) -> Balance:
    """The seller's balance: one aggregate over its ledger entries."""
    now = now or timezone.now()
    currency = Store.objects.filter(pk=store_id).values_list("currency", flat=True).first() or ""
    held = Q(available_at__isnull=True) | Q(available_at__gt=now)
    sums = LedgerEntry.objects.filter(store_id=store_id, currency=currency).aggregate(
        pending=Coalesce(Sum("amount_minor", filter=held), 0),
        available=Coalesce(Sum("amount_minor", filter=~held), 0),
        paid_out=Coalesce(Sum("amount_minor", filter=Q(kind=LedgerKind.PAYOUT)), 0),
    )
    return Balance(
        pending=int(sums["pending"]),
        available=int(sums["available"]),
        paid_out=-int(sums["paid_out"]),
        currency=currency,
    )


def platform_balance(currency: str) -> int:
    """The platform's money in `currency`: commissions kept, less bonuses granted."""
    value = LedgerEntry.objects.filter(
        currency=currency, kind__in=[LedgerKind.COMMISSION, LedgerKind.BONUS]
    ).aggregate(total=Coalesce(Sum("amount_minor"), 0))["total"]
    return -int(value)


def ledger(store: Store) -> QuerySet[LedgerEntry]:
    return scoped(LedgerEntry, store).select_related("gig_order")


def late_orders(now: datetime | None = None) -> QuerySet[GigOrder]:
    """Open orders past their deadline with nothing delivered since (across stores)."""
    now = now or timezone.now()
    return GigOrder.objects.filter(
        status__in=[GigStatus.IN_PROGRESS, GigStatus.REVISION_REQUESTED], due_at__lt=now
    )


def status_counts(store: Store) -> dict[str, int]:
    rows = (
        gig_orders(store)
        .values("status")
        .annotate(n=Sum(Case(When(pk__isnull=False, then=Value(1)), output_field=IntegerField())))
    )
    return {row["status"]: int(row["n"]) for row in rows}


def order_page(order: GigOrder, *, for_buyer: bool = False) -> dict[str, object]:
    """What the buyer's, the seller's and the operator's order pages show."""
    from dukkan.support.selectors import history

    chat = []
    if order.conversation_id is not None and order.conversation is not None:
        chat = [
            event
            for event in history(order.conversation, for_visitor=True)
            if event.kind == "message"
        ]
    now = timezone.now()
    return {
        "order": order,
        "timeline": list(order.events.select_related("actor")),
        "deliveries": list(order.deliveries.prefetch_related("files")),
        "requirement_files": list(order.requirement_files.all()),
        "chat": chat,
        "overdue": order.due_at is not None
        and order.status == GigStatus.IN_PROGRESS
        and order.delivered_at is None
        and now > order.due_at,
        "questions": list(questions(order.product)) if for_buyer else [],
    }
