"""Listing review: checks, hidden until approved, decisions with reasons, resubmission,
infringement take-down and restore, review times."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from dukkan.catalog import selectors as catalog_selectors
from dukkan.catalog import services as catalog
from dukkan.moderation import selectors, services
from dukkan.moderation.models import ListingReview, ModerationSettings, ReviewStatus

LONG = "A careful logo design with three concepts, source files and two revisions. " * 2
ALL_TICKED = dict.fromkeys(services.CHECKLIST, True)


@pytest.fixture
def reviewing(db: None) -> ModerationSettings:
    return ModerationSettings.objects.create(
        pk=1, review_listings=True, prohibited_words="counterfeit\nfake followers"
    )


def test_off_by_default_publishing_is_immediate(make_store: Any) -> None:
    store = make_store()
    product = catalog.create_product(store, title="Book", price_minor=1000, visibility="published")
    assert not ListingReview.objects.exists()
    assert product in catalog_selectors.published_products(store)


def test_flow_checks_changes_resubmit_approve(
    reviewing: Any, make_store: Any, make_user: Any
) -> None:
    store = make_store()
    operator = make_user(is_operator=True)
    product = catalog.create_product(
        store, kind="service", title="Logo", description="Cheap fake followers",
        price_minor=1000, visibility="published",
    )  # fmt: skip
    review = ListingReview.objects.get(product=product)
    failed = {c["code"] for c in review.checks if not c["ok"]}
    assert failed == {"description", "cover", "sample", "prohibited"}
    # Services are sold through gigs, so "public" is what is_held says for them.
    assert selectors.is_held(product.pk)
    with pytest.raises(ValidationError, match="Say why"):
        services.decide(review, "request_changes", reasons="  ", checklist={}, by=operator)
    review.refresh_from_db()
    assert review.status == ReviewStatus.PENDING
    assert review.decided_at is None
    services.decide(
        review, "request_changes", reasons="Describe the work.", checklist={}, by=operator
    )
    assert "Describe the work." in mail.outbox[-1].body
    catalog.update_product(product, description=LONG)
    fresh = services.resubmit(ListingReview.objects.get(pk=review.pk))
    assert fresh.pk != review.pk
    assert fresh.current
    assert {c["code"] for c in fresh.checks if not c["ok"]} == {"cover", "sample"}
    with pytest.raises(ValidationError, match="checklist"):
        services.decide(fresh, "approve", reasons="", checklist={}, by=operator)
    services.decide(fresh, "approve", reasons="", checklist=ALL_TICKED, by=operator)
    assert not selectors.is_held(product.pk)
    assert selectors.review_times()["count"] == 2
    # Review time is measured from submission to decision: 2 h and 5 h here.
    for hours, decided in zip(
        (2, 5), ListingReview.objects.filter(decided_at__isnull=False).order_by("pk"), strict=True
    ):
        ListingReview.objects.filter(pk=decided.pk).update(
            submitted_at=decided.decided_at - timedelta(hours=hours)
        )
    times = selectors.review_times()
    assert (times["p50"], times["p90"]) == (timedelta(hours=2), timedelta(hours=5))
    # A small edit stays public; a reworded title goes back to the queue.
    catalog.update_product(product, price_minor=1100)
    assert not selectors.is_held(product.pk)
    catalog.update_product(product, title="Animated mascot illustration")
    assert selectors.is_held(product.pk)


def test_pending_product_is_not_on_the_storefront(reviewing: Any, make_store: Any) -> None:
    store = make_store()
    product = catalog.create_product(store, title="Book", price_minor=900, visibility="published")
    assert product not in catalog_selectors.published_products(store)
    assert catalog_selectors.product_for_sale(store, product.slug) is None


def test_duplicate_listing_is_flagged(reviewing: Any, make_store: Any) -> None:
    first, second = make_store(), make_store()
    catalog.create_product(
        first, title="Logo", description=LONG, price_minor=1000, visibility="published"
    )
    copy = catalog.create_product(
        second, title="Logo", description=LONG, price_minor=1000, visibility="published"
    )
    checks = {c["code"]: c for c in ListingReview.objects.get(product=copy).checks}
    assert not checks["duplicate"]["ok"]


def test_infringement_take_down_and_restore(make_store: Any, make_user: Any) -> None:
    owner, copier = make_store(), make_store()
    operator = make_user(is_operator=True)
    product = catalog.create_product(
        copier, title="Copied", price_minor=500, visibility="published"
    )
    with pytest.raises(ValidationError):
        services.report_infringement(owner, product, "")
    report = services.report_infringement(owner, product, "My illustrations, page 3.")
    assert product in catalog_selectors.published_products(copier)
    mail.outbox.clear()
    services.handle_infringement(report, "take_down", reasons="Copied artwork.", by=operator)
    assert product not in catalog_selectors.published_products(copier)
    assert len(mail.outbox) == 2  # both sides
    services.handle_infringement(report, "restore", reasons="Licence shown.", by=operator)
    assert product in catalog_selectors.published_products(copier)
