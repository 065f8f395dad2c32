"""The pages through real HTTP (Django's client): every page renders in ar/fa/en, bad input
gets a clear message and writes nothing, and the operator's pages are the operator's only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dukkan.gigs import services
from dukkan.gigs.models import GigOrder, GigStatus, RequirementFile, ServicePackage
from dukkan.reviews.models import Review
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_buyer_pages_refuse_bad_input_and_write_nothing(
    paid_gig: Callable[..., GigOrder], shop: Any
) -> None:
    gig = paid_gig()
    question = gig.product.requirement_questions.get()
    client = Client()
    base = f"/fa/s/{shop.slug}/services/o/{gig.token}/"
    page = client.get(base)
    assert page.status_code == 200
    assert "form" in page.content.decode()
    big = SimpleUploadedFile("huge.pdf", b"x" * (1024 * 1024 + 10))
    response = client.post(base + "requirements/", {f"q{question.pk}": ["site", big]}, follow=True)
    assert "huge.pdf" in response.content.decode()  # the message names the file
    gig.refresh_from_db()
    assert gig.status == GigStatus.REQUIREMENTS_PENDING
    assert not RequirementFile.objects.exists()
    # A review before completion: refused with the reason, nothing written.
    review = client.get(f"/ar/s/{shop.slug}/reviews/order/{gig.checkout_order.token}/")
    assert review.status_code == 200
    assert "review-form" not in review.content.decode()
    client.post(
        f"/ar/s/{shop.slug}/reviews/order/{gig.checkout_order.token}/",
        {"rating": "5", "comment": "x"},
    )
    assert not Review.objects.exists()
    assert client.get(f"/en/s/{shop.slug}/services/o/{gig.token}x/").status_code == 404


def test_seller_and_operator_pages(
    paid_gig: Callable[..., GigOrder],
    shop: Any,
    service: Any,
    make_user: Callable[..., Any],
) -> None:
    gig = paid_gig()
    owner = shop.accounts_memberships.get(role="owner").user
    seller = _client(owner)
    for language in ("ar", "fa", "en"):
        root = f"/{language}/dashboard/{shop.slug}/services/"
        for path in ("", "earnings/", f"product/{service.pk}/", f"orders/{gig.pk}/"):
            assert seller.get(root + path).status_code == 200, root + path
        assert seller.get(f"/{language}/dashboard/{shop.slug}/reviews/").status_code == 200
        assert seller.get(f"/{language}/s/{shop.slug}/reviews/").status_code == 200
        assert seller.get(f"/{language}/s/{shop.slug}/p/{service.slug}/").status_code == 200
    # Packages editor: a package without a price is refused, nothing changes.
    before = list(ServicePackage.objects.values_list("tier", "price_minor"))
    response = seller.post(
        f"/en/dashboard/{shop.slug}/services/product/{service.pk}/",
        {
            "basic-enabled": "on",
            "basic-title": "B",
            "basic-price": "0",
            "basic-delivery_days": "2",
            "basic-revisions": "1",
        },
        follow=True,
    )
    assert "price must be more than zero" in response.content.decode()
    assert list(ServicePackage.objects.values_list("tier", "price_minor")) == before
    # Delivery with nothing in it: refused.
    services.submit_requirements(gig, {gig.product.requirement_questions.get().pk: "s"}, {})
    response = seller.post(
        f"/en/dashboard/{shop.slug}/services/orders/{gig.pk}/deliver/",
        {"message": ""},
        follow=True,
    )
    assert "needs a message or at least one file" in response.content.decode()
    # The operator's pages: 404 for a store owner, working for the operator.
    assert seller.get("/en/operator/gigs/").status_code == 404
    services.open_dispute(gig, role="buyer", reason="late and wrong")
    operator = _client(make_user(is_operator=True))
    assert operator.get("/fa/operator/gigs/").status_code == 200
    dispute = f"/en/operator/gigs/disputes/{gig.pk}/"
    assert "late and wrong" in operator.get(dispute).content.decode()
    response = operator.post(dispute, {"refund": "99999999", "note": "x"}, follow=True)
    gig.refresh_from_db()
    assert gig.status == GigStatus.DISPUTED
    operator.post(dispute, {"refund": "100000", "note": "نیمی برگردد"})
    gig.refresh_from_db()
    assert gig.status == GigStatus.COMPLETED
    assert gig.refunded_minor == 1_000_000  # 100,000 toman in rials
