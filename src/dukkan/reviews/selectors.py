"""Reads of reviews: what shows on a product page and on a seller's profile."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count, QuerySet

from dukkan.catalog.models import Product
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.reviews.models import Review


@dataclass(frozen=True)
class Summary:
    count: int
    average: float | None

    @property
    def stars(self) -> int:
        return round(self.average) if self.average is not None else 0


def visible(store: Store) -> QuerySet[Review]:
    return scoped(Review, store).filter(hidden=False).select_related("product")


def for_product(product: Product) -> QuerySet[Review]:
    return Review.objects.filter(product=product, hidden=False)


def summary(reviews: QuerySet[Review]) -> Summary:
    row = reviews.aggregate(count=Count("pk"), average=Avg("rating"))
    average = row["average"]
    return Summary(int(row["count"]), round(float(average), 1) if average is not None else None)


def for_order(order_id: int) -> Review | None:
    return Review.objects.filter(checkout_order_id=order_id).first()
