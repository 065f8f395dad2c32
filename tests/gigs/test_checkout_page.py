"""Checkout's confirmation page of a paid service order says what happens next for a service
(the requirements, with the link to the order) instead of "your files are ready"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from dukkan.checkout import services as checkout
from dukkan.gigs.models import GigOrder

pytestmark = pytest.mark.django_db


def _text(language: str, msgid: str) -> str:
    with translation.override(language):
        return translation.gettext(msgid)


def test_a_paid_service_order_asks_for_the_requirements(
    paid_gig: Callable[..., GigOrder], shop: Any, make_store: Callable[..., Any]
) -> None:
    gig = paid_gig()
    page = Client().get(f"/fa/s/{shop.slug}/checkout/order/{gig.checkout_order.token}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert _text("fa", "Your files are ready.") not in html
    assert _text("fa", "Your files are being prepared.") not in html
    assert "data-service-order" in html
    assert f"/fa/s/{shop.slug}/services/o/{gig.token}/" in html
    assert _text("fa", "Fill in the requirements") in html

    # A file's order keeps the files wording.
    from dukkan.catalog.services import create_product

    book = create_product(shop, title="کتاب", price_minor=1000, visibility="published")
    order = checkout.start_checkout(shop, book, email="reader@example.com", provider="test")
    checkout.mark_paid(
        order, provider="test", reference="book", amount_minor=order.total_minor, currency="IRR"
    )
    page = Client().get(f"/fa/s/{shop.slug}/checkout/order/{order.token}/")
    html = page.content.decode()
    assert "data-service-order" not in html
    assert _text("fa", "Your files are being prepared.") in html


def test_the_receipt_of_a_service_order_offers_no_files(
    paid_gig: Callable[..., GigOrder], shop: Any
) -> None:
    from django.core import mail

    from tests.gigs.conftest import run_queued_tasks

    mail.outbox.clear()
    paid_gig()
    run_queued_tasks()
    receipts = [m for m in mail.outbox if _text("fa", "Total") in str(m.body)]
    assert receipts
    body = str(receipts[0].body)
    assert _text("fa", "Download your files and find your receipts here:") not in body
    assert _text("fa", "Follow your orders and find your receipts here:") in body
