"""Reads of moderation: which listings are held back, the queue, review times."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from dukkan.moderation.models import Kind, ListingReview, ModerationSettings, ReviewStatus

HELD = Q(
    kind=Kind.LISTING,
    current=True,
    status__in=[ReviewStatus.PENDING, ReviewStatus.CHANGES_REQUESTED, ReviewStatus.REJECTED],
) | Q(kind=Kind.INFRINGEMENT, status=ReviewStatus.TAKEN_DOWN)


def settings_row() -> ModerationSettings:
    found = ModerationSettings.objects.filter(pk=1).first()
    return found or ModerationSettings.objects.get_or_create(pk=1)[0]


def without_held(products: QuerySet[Any]) -> QuerySet[Any]:
    """`products` less those waiting for review, refused, or taken down (catalog calls this
    for what the storefront shows)."""
    return products.exclude(Exists(ListingReview.objects.filter(HELD, product=OuterRef("pk"))))


def is_held(product_id: int) -> bool:
    return ListingReview.objects.filter(HELD, product_id=product_id).exists()


def queue() -> QuerySet[ListingReview]:
    return ListingReview.objects.filter(status=ReviewStatus.PENDING).select_related(
        "product", "store", "reporter"
    )


def reviews_of(store_id: int) -> QuerySet[ListingReview]:
    return (
        ListingReview.objects.filter(Q(store_id=store_id) | Q(reporter_id=store_id))
        .select_related("product")
        .order_by("-submitted_at")
    )


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1))
    return ordered[index]  # nearest rank: the smallest value with `share` of them at or below


def review_times() -> dict[str, timedelta | int | None]:
    """p50/p90 time from submission to the reviewer's decision (nearest rank)."""
    rows = ListingReview.objects.filter(kind=Kind.LISTING, decided_at__isnull=False).values_list(
        "submitted_at", "decided_at"
    )
    hours = [(d - s).total_seconds() / 3600 for s, d in rows if d is not None]
    if not hours:
        return {"p50": None, "p90": None, "count": 0}
    return {
        "p50": timedelta(hours=_percentile(hours, 0.5)),
        "p90": timedelta(hours=_percentile(hours, 0.9)),
        "count": len(hours),
    }
