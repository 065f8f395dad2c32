from __future__ import annotations

import pytest

from dukkan.gigs.models import GigOrder, LedgerEntry
from dukkan.reviews.models import Review


@pytest.mark.django_db
def test_demo_services_and_orders_load_once() -> None:
    from dukkan.demo import load_demo

    load_demo()
    counts = (GigOrder.objects.count(), LedgerEntry.objects.count(), Review.objects.count())
    load_demo()
    assert (GigOrder.objects.count(), LedgerEntry.objects.count(), Review.objects.count()) == counts
    for slug in ("alwarraq", "afzoonesara"):
        orders = GigOrder.objects.filter(store__slug=slug)
        statuses = set(orders.values_list("status", flat=True))
        assert {"completed", "in_progress", "disputed", "requirements_pending"} <= statuses
        assert orders.filter(is_late=True).exists()
        assert all(o.conversation_id for o in orders)
        review = Review.objects.get(store__slug=slug)
        assert review.reply
    assert GigOrder.objects.filter(store__slug="cedar-apps").count() == 1
