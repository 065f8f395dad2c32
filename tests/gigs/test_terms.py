"""A seller's level sets its terms in gigs: how many services may be active at once (checked
when a service is published and when listing review approves one) and how long earnings
clear. Report cards register the levels at start-up; these tests go through them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone, translation

from dukkan.catalog import services as catalog
from dukkan.catalog.models import Product
from dukkan.gigs import services
from dukkan.gigs.models import GigOrder, LedgerEntry, LedgerKind
from dukkan.moderation import services as moderation
from dukkan.moderation.models import ListingReview, ModerationSettings
from dukkan.reportcards import services as reportcards

pytestmark = pytest.mark.django_db


def _new_seller_terms(**changes: int) -> None:
    """The operator changes what the "new seller" level allows (through report cards)."""
    values = {level: dict(row) for level, row in reportcards.DEFAULT_THRESHOLDS.items()}
    values["new"].update(changes)
    reportcards.save_thresholds(values)


def test_a_service_past_the_level_cap_is_refused_and_nothing_is_written(
    service: Product, shop: Any
) -> None:
    _new_seller_terms(max_active_services=1)  # the fixture's service takes the only place
    before = Product.objects.count()
    with translation.override("fa"), pytest.raises(ValidationError) as caught:
        catalog.create_product(shop, title="طراحی لوگو", kind="service", visibility="published")
    assert caught.value.code == "service_cap"
    message = caught.value.messages[0]
    assert "فروشنده تازه‌کار" in message  # the level, in the seller's language
    assert "خدمت فعال" in message
    assert "1" in message
    assert Product.objects.count() == before

    # A draft is fine; publishing it is refused, and it stays a draft.
    draft = catalog.create_product(shop, title="طراحی لوگو", kind="service")
    with pytest.raises(ValidationError) as caught:
        catalog.update_product(draft, visibility="unlisted")
    assert caught.value.code == "service_cap"
    draft.refresh_from_db()
    assert draft.visibility == "draft"
    assert draft.published_at is None
    # Products other than services are not capped; editing the listed service is not refused.
    catalog.create_product(shop, title="کتاب", price_minor=1000, visibility="published")
    catalog.update_product(service, title="نصب و پیکربندی افزونه وردپرس")
    # With the first service back to draft, the second may be published.
    catalog.update_product(service, visibility="draft")
    catalog.update_product(draft, visibility="published")
    draft.refresh_from_db()
    assert draft.visibility == "published"


def test_the_seller_sees_the_cap_on_the_product_form_in_persian(
    service: Product, shop: Any
) -> None:
    from django.test import Client

    from dukkan.accounts.models import Membership

    _new_seller_terms(max_active_services=1)
    client = Client()
    client.force_login(Membership.objects.get(store=shop, role="owner").user)
    before = Product.objects.count()
    form = {"kind": "service", "title": "طراحی لوگو", "slug": "", "summary": "", "price": "0",
            "description": "", "visibility": "published", "compare_at": "", "min_price": "",
            "sale_price": "", "sale_starts_at": "", "sale_ends_at": "", "quantity_limit": "",
            "cover_alt": ""}  # fmt: skip
    response = client.post(f"/fa/dashboard/{shop.slug}/products/new/", form)
    assert response.status_code == 400
    page = response.content.decode()
    assert "«فروشنده تازه‌کار»" in page
    assert "خدمت فعال" in page
    assert Product.objects.count() == before


def test_listing_review_approval_respects_the_cap(
    service: Product, shop: Any, make_user: Callable[..., Any]
) -> None:
    _new_seller_terms(max_active_services=1)
    ModerationSettings.objects.update_or_create(pk=1, defaults={"review_listings": True})
    operator = make_user(is_operator=True)
    ticked = dict.fromkeys(moderation.CHECKLIST, True)
    catalog.update_product(service, visibility="draft")
    # Waiting in the queue is not active: both may be submitted…
    second = catalog.create_product(shop, title="ترجمه", kind="service", visibility="published")
    catalog.update_product(service, visibility="published")
    first_review = ListingReview.objects.get(product=service, current=True)
    second_review = ListingReview.objects.get(product=second, current=True)
    moderation.decide(first_review, "approve", reasons="", checklist=ticked, by=operator)
    # …but approving the second would make two active services.
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        moderation.decide(second_review, "approve", reasons="", checklist=ticked, by=operator)
    assert caught.value.code == "service_cap"
    assert "New seller" in caught.value.messages[0]
    second_review.refresh_from_db()
    assert second_review.status == "pending"
    assert second_review.decided_at is None


def test_earnings_clear_after_the_levels_days(paid_gig: Callable[..., GigOrder]) -> None:
    _new_seller_terms(clearing_days=2)  # the marketplace's own setting (14) no longer applies
    gig = paid_gig()
    question = gig.product.requirement_questions.get()
    services.submit_requirements(gig, {question.pk: "https://example.ir"}, {})
    services.deliver(gig, message="done")
    done = timezone.now()
    services.accept(gig, now=done)
    cleared = LedgerEntry.objects.get(
        gig_order=gig, kind=LedgerKind.CLEARING, available_at__isnull=False
    )
    assert cleared.available_at == done + timedelta(days=2)
    assert services.seller_terms(gig.store_id).clearing_days == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_publishes_never_pass_the_cap(make_store: Callable[..., Any]) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite lets one writer in at a time, so no race can happen there; runs in CI's PostgreSQL pass"
        )
    _new_seller_terms(max_active_services=3)
    store = make_store()
    drafts = [catalog.create_product(store, title=f"S{i}", kind="service") for i in range(8)]
    barrier = threading.Barrier(len(drafts))
    refused: list[str] = []

    def publish(product: Product) -> None:
        try:
            barrier.wait(timeout=60)
            catalog.update_product(product, visibility="published")
        except ValidationError as error:
            refused.append(str(error.code))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(p,)) for p in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Product.objects.filter(store=store, visibility="published").count() == 3
    assert refused == ["service_cap"] * 5
