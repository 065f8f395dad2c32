"""Reads of the affiliate programme for the owner's pages and the affiliate's dashboard."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from dukkan.accounts.models import User
from dukkan.affiliates.models import (
    Affiliate,
    AffiliateStatus,
    Click,
    Commission,
    CommissionStatus,
    Payout,
    PayoutBatch,
    ProductCommission,
    Programme,
)
from dukkan.affiliates.services import (
    HIGH_CONVERSION_MIN_SALES,
    HIGH_CONVERSION_RATE,
    HIGH_REFUND_MIN_SALES,
    HIGH_REFUND_RATE,
    Balance,
    payable_balance,
    programme_of,
)
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped


def programme(store: Store) -> Programme:
    return programme_of(store)


def open_programme(store: Store) -> Programme | None:
    found = Programme.objects.filter(store=store).first()
    return found if found is not None and found.is_open else None


def overrides(store: Store) -> QuerySet[ProductCommission]:
    return scoped(ProductCommission, store).select_related("product")


def affiliate_of(user: User, store: Store) -> Affiliate | None:
    if not user.is_authenticated:
        return None
    return scoped(Affiliate, store).filter(user=user).first()


@dataclass
class Stats:
    clicks: int = 0
    sales: int = 0
    pending: int = 0
    payable: int = 0
    paid: int = 0
    reversed: int = 0
    refunded_sales: int = 0
    flags: list[str] = field(default_factory=list)


def _by_status(commissions: QuerySet[Commission]) -> dict[str, tuple[int, int]]:
    rows = commissions.values("status").annotate(
        n=Count("pk"), total=Sum(F("amount_minor") - F("reversed_minor"))
    )
    return {row["status"]: (int(row["n"]), int(row["total"] or 0)) for row in rows}


def stats_for(affiliate: Affiliate) -> Stats:
    commissions = Commission.objects.filter(affiliate=affiliate)
    status = _by_status(commissions)
    stats = Stats(
        clicks=Click.objects.filter(affiliate=affiliate).count(),
        sales=sum(n for s, (n, _t) in status.items() if s != CommissionStatus.REJECTED),
        pending=status.get(CommissionStatus.PENDING, (0, 0))[1],
        payable=status.get(CommissionStatus.PAYABLE, (0, 0))[1],
        paid=status.get(CommissionStatus.PAID, (0, 0))[1],
        reversed=int(commissions.aggregate(total=Sum("reversed_minor"))["total"] or 0),
        refunded_sales=commissions.filter(reversed_minor__gt=0).count(),
    )
    stats.flags = _suspicion(stats, commissions)
    return stats


def _suspicion(stats: Stats, commissions: QuerySet[Commission]) -> list[str]:
    flags = []
    cookie_sales = commissions.filter(source="cookie").exclude(status="rejected").count()
    if (
        cookie_sales >= HIGH_CONVERSION_MIN_SALES
        and stats.clicks
        and cookie_sales / stats.clicks > HIGH_CONVERSION_RATE
    ):
        flags.append(
            _("Very high conversion: %(sales)s sales from %(clicks)s clicks.")
            % {"sales": cookie_sales, "clicks": stats.clicks}
        )
    if (
        stats.sales >= HIGH_REFUND_MIN_SALES
        and stats.refunded_sales / stats.sales > HIGH_REFUND_RATE
    ):
        flags.append(
            _("Many refunds: %(refunded)s of %(sales)s sales.")
            % {"refunded": stats.refunded_sales, "sales": stats.sales}
        )
    self_referrals = commissions.filter(reason="self_referral").count()
    if self_referrals:
        flags.append(_("Self-referral attempts: %(count)s.") % {"count": self_referrals})
    if commissions.filter(flagged=True).exists():
        flags.append(_("Sales flagged for review (see below)."))
    return flags


def affiliates_with_stats(store: Store) -> list[tuple[Affiliate, Stats]]:
    return [(a, stats_for(a)) for a in scoped(Affiliate, store).select_related("user")]


def commissions_of(affiliate: Affiliate) -> QuerySet[Commission]:
    return Commission.objects.filter(affiliate=affiliate).select_related("order")


def recent_commissions(store: Store, limit: int = 50) -> QuerySet[Commission]:
    return scoped(Commission, store).select_related("order", "affiliate")[:limit]


def payable_balances(store: Store) -> list[Balance]:
    """Every affiliate's payable balance at least the minimum payout (what the owner can pay)."""
    minimum = programme_of(store).min_payout_minor
    owed = (
        scoped(Affiliate, store)
        .filter(
            Q(commissions__status=CommissionStatus.PAYABLE, commissions__payout__isnull=True)
            | Q(commissions__clawback_minor__gt=0, commissions__clawback_payout__isnull=True)
        )
        .distinct()
    )
    found = []
    for affiliate in owed:
        for balance in payable_balance(affiliate):
            floor = minimum if balance.currency == store.currency else 0
            if balance.amount_minor > 0 and balance.amount_minor >= floor:
                found.append(balance)
    return found


def batches(store: Store) -> QuerySet[PayoutBatch]:
    return scoped(PayoutBatch, store).prefetch_related("payouts__affiliate")


def payouts_of(affiliate: Affiliate) -> QuerySet[Payout]:
    return Payout.objects.filter(affiliate=affiliate)


def batch_csv(batch: PayoutBatch) -> str:
    """One row per payout of a batch (for the owner's bookkeeping or a bulk-payment upload)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "batch",
            "date",
            "affiliate",
            "code",
            "email",
            "method",
            "payout_details",
            "amount",
            "currency",
            "reference",
        ]
    )
    from dukkan.core.money import minor_to_decimal

    for payout in batch.payouts.select_related("affiliate__user").order_by("pk"):
        writer.writerow(
            [
                batch.pk,
                payout.created_at.date().isoformat(),
                _safe(payout.affiliate.name),
                payout.affiliate.code,
                payout.affiliate.user.email,
                payout.method,
                _safe(payout.payout_details),
                str(minor_to_decimal(payout.amount_minor, payout.currency)),
                payout.currency,
                _safe(payout.reference),
            ]
        )
    return out.getvalue()


def _safe(text: str) -> str:
    # A cell that starts like a formula is run by spreadsheets; quote it.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def pending_approvals(store: Store) -> QuerySet[Affiliate]:
    return scoped(Affiliate, store).filter(status=AffiliateStatus.PENDING)


def affiliate_link(url: str, code: str) -> str:
    """`url` with `ref=code` (replacing any earlier `ref`)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "ref"]
    query.append(("ref", code))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))
