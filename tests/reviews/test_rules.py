"""Review rules: real buyers only, after completion (services) or the download period
(products), one per order, the seller replies once, the operator hides with a reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dukkan.checkout import services as checkout
from dukkan.gigs import services as gigs
from dukkan.gigs.models import GigOrder
from dukkan.reviews import selectors, services
from dukkan.reviews.models import Review

pytestmark = pytest.mark.django_db


def _completed(paid_gig: Callable[..., GigOrder], **kw: Any) -> GigOrder:
    gig = paid_gig(**kw)
    question = gig.product.requirement_questions.get()
    gig = gigs.submit_requirements(gig, {question.pk: "site"}, {})
    gigs.deliver(gig, message="done")
    return gigs.accept(gig)


def test_service_review_only_after_completion_and_once(
    paid_gig: Callable[..., GigOrder], shop: Any, make_user: Callable[..., Any]
) -> None:
    gig = paid_gig()
    with pytest.raises(ValidationError) as caught:
        services.submit_review(gig.checkout_order, gig.product, rating=5, comment="early")
    assert "completed" in caught.value.messages[0]
    assert not Review.objects.exists()

    gig = _completed(paid_gig, email="second@example.com")
    with pytest.raises(ValidationError) as caught:
        services.submit_review(gig.checkout_order, gig.product, rating=6, comment="x")
    assert caught.value.code == "rating"
    review = services.submit_review(gig.checkout_order, gig.product, rating=4, comment="خوب بود")
    assert review.gig_order == gig
    with pytest.raises(ValidationError) as caught:
        services.submit_review(gig.checkout_order, gig.product, rating=5, comment="again")
    assert "already" in caught.value.messages[0]
    assert Review.objects.count() == 1

    owner = shop.accounts_memberships.get(role="owner").user
    with pytest.raises(ValidationError):
        services.reply(review, text="", by=owner)
    with pytest.raises(ValidationError) as caught:
        services.reply(review, text="hi", by=make_user())  # not of the store
    assert caught.value.code == "forbidden"
    services.reply(review, text="ممنون از شما", by=owner)
    with pytest.raises(ValidationError) as caught:
        services.reply(review, text="second", by=owner)
    assert caught.value.code == "replied"
    review.refresh_from_db()
    assert review.reply == "ممنون از شما"

    assert selectors.summary(selectors.for_product(gig.product)).count == 1
    with pytest.raises(ValidationError):
        services.hide(review, reason="abuse", by=owner)  # only the operator
    operator = make_user(is_operator=True)
    with pytest.raises(ValidationError):
        services.hide(review, reason=" ", by=operator)
    services.hide(review, reason="توهین‌آمیز", by=operator)
    assert selectors.summary(selectors.for_product(gig.product)).count == 0
    assert selectors.visible(shop).count() == 0


def test_product_review_after_the_download_period(shop: Any, market: Any) -> None:
    from dukkan.catalog.services import create_product

    book = create_product(shop, title="کتاب", price_minor=10_000, visibility="published")
    order = checkout.start_checkout(shop, book, email="reader@example.com", provider="test")
    with pytest.raises(ValidationError):  # unpaid: not a buyer
        services.submit_review(order, book, rating=5, comment="")
    checkout.mark_paid(
        order, provider="test", reference="r", amount_minor=order.total_minor, currency="IRR"
    )
    with pytest.raises(ValidationError) as caught:  # paid now, not downloaded, too early
        services.submit_review(order, book, rating=5, comment="")
    assert "3" in caught.value.messages[0]
    later = timezone.now() + timedelta(days=3, minutes=1)
    review = services.submit_review(order, book, rating=3, comment="متوسط", now=later)
    assert review.gig_order is None
    assert selectors.summary(selectors.for_product(book)).average == 3.0
