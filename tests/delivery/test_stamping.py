"""PDF social DRM: each buyer's copy names them and their order on every page."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from dukkan.catalog import services as catalog_services
from dukkan.catalog.models import Product
from dukkan.catalog.storage import private_storage
from dukkan.checkout.models import Order
from dukkan.delivery.models import Entitlement, StampedCopy
from dukkan.delivery.services import download_url_for, revoke_for_refund
from dukkan.delivery.stamping import StampError, ascii_email, stamp_pdf
from tests.delivery.conftest import make_pdf

pytestmark = pytest.mark.django_db


def _body(client: Client, url: str, **extra: str) -> tuple[int, bytes]:
    response = client.get(url, **extra)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body


@pytest.fixture
def stamped_book(shop: Any, make_product: Callable[..., Product]) -> Product:
    return make_product(
        shop, title="كتاب", files=[("الكتاب.pdf", make_pdf(7, "Chapter"))], pdf_stamping=True
    )


def test_every_page_carries_the_buyers_email_and_order_number(
    stamped_book: Product, buy: Callable[..., Order], client: Client
) -> None:
    order = buy(stamped_book.store, stamped_book, email="noura@customers.example")
    entitlement = Entitlement.objects.get(order=order)
    status, body = _body(client, download_url_for(entitlement))
    assert status == 200
    reader = PdfReader(io.BytesIO(body))
    assert len(reader.pages) == 7
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Chapter {number}" in text  # the book's own text is still there
        assert "noura@customers.example" in text
        assert f"order {order.number}" in text


def test_the_stamped_copy_is_made_once_and_reused(
    stamped_book: Product, buy: Callable[..., Order], client: Client
) -> None:
    order = buy(stamped_book.store, stamped_book)
    entitlement = Entitlement.objects.get(order=order)
    url = download_url_for(entitlement)
    _, first = _body(client, url)
    copy = StampedCopy.objects.get(entitlement=entitlement)
    made_at = copy.created_at
    _, second = _body(client, url)
    assert first == second
    assert StampedCopy.objects.filter(entitlement=entitlement).count() == 1
    assert StampedCopy.objects.get().created_at == made_at
    # Ranges are taken from the stamped copy, so a resumed download fits together.
    status, part = _body(client, url, HTTP_RANGE="bytes=100-199")
    assert status == 206
    assert part == first[100:200]


def test_each_buyer_gets_their_own_copy(
    stamped_book: Product, buy: Callable[..., Order], client: Client
) -> None:
    noura = Entitlement.objects.get(order=buy(stamped_book.store, stamped_book))
    sara = Entitlement.objects.get(
        order=buy(stamped_book.store, stamped_book, email="sara@customers.example", language="fa")
    )
    _, noura_pdf = _body(client, download_url_for(noura))
    _, sara_pdf = _body(client, download_url_for(sara))
    sara_text = PdfReader(io.BytesIO(sara_pdf)).pages[0].extract_text()
    assert "sara@customers.example" in sara_text
    assert "noura@customers.example" not in sara_text
    assert noura_pdf != sara_pdf


def test_without_stamping_the_pdf_is_served_as_uploaded(
    shop: Any, make_product: Callable[..., Product], buy: Callable[..., Order], client: Client
) -> None:
    original = make_pdf(2)
    product = make_product(shop, title="Plain", files=[("plain.pdf", original)])
    entitlement = Entitlement.objects.get(order=buy(shop, product))
    _, body = _body(client, download_url_for(entitlement))
    assert body == original
    assert not StampedCopy.objects.exists()


def test_a_broken_pdf_is_refused_with_a_clear_page_and_logged(
    shop: Any,
    make_product: Callable[..., Product],
    buy: Callable[..., Order],
    client: Client,
    caplog: pytest.LogCaptureFixture,
) -> None:
    product = make_product(
        shop,
        title="Broken",
        files=[("broken.pdf", b"%PDF-1.4 this is not a pdf")],
        pdf_stamping=True,
    )
    entitlement = Entitlement.objects.get(order=buy(shop, product))
    with caplog.at_level(logging.ERROR, logger="dukkan.delivery.services"):
        response = client.get(download_url_for(entitlement))
    assert response.status_code == 500
    assert not response.streaming
    assert b"%PDF" not in response.content  # never served unstamped
    assert "PDF could not be stamped" in caplog.text
    entitlement.refresh_from_db()
    assert entitlement.downloads_used == 0


def test_refund_deletes_stamped_copies(
    stamped_book: Product, buy: Callable[..., Order], client: Client
) -> None:
    order = buy(stamped_book.store, stamped_book)
    entitlement = Entitlement.objects.get(order=order)
    _body(client, download_url_for(entitlement))
    path = StampedCopy.objects.get().path
    assert private_storage().exists(path)
    revoke_for_refund(order, full=True)
    assert not StampedCopy.objects.exists()
    assert not private_storage().exists(path)


def test_a_new_version_gets_a_new_stamped_copy(
    stamped_book: Product, buy: Callable[..., Order], client: Client
) -> None:
    from django.core.files.base import ContentFile

    order = buy(stamped_book.store, stamped_book)
    entitlement = Entitlement.objects.get(order=order)
    _body(client, download_url_for(entitlement))
    catalog_services.upload_version(
        entitlement.product_file, ContentFile(make_pdf(3, "Revised"), name="الكتاب.pdf")
    )
    _, body = _body(client, download_url_for(entitlement))
    reader = PdfReader(io.BytesIO(body))
    assert len(reader.pages) == 3
    assert "Revised 1" in reader.pages[0].extract_text()
    assert StampedCopy.objects.filter(entitlement=entitlement).count() == 2


def test_unicode_emails_are_stamped_in_latin_script() -> None:
    assert ascii_email("noura@مثال.example") == "noura@xn--mgbh0fb.example"
    out = io.BytesIO()
    stamp_pdf(io.BytesIO(make_pdf(1)), out, email="سارا@example.com", order_number="1001")
    text = PdfReader(io.BytesIO(out.getvalue())).pages[0].extract_text()
    assert "%D8%B3" in text
    assert "order 1001" in text


def test_stamp_error_for_garbage() -> None:
    with pytest.raises(StampError):
        stamp_pdf(io.BytesIO(b"not a pdf at all"), io.BytesIO(), email="a@b.c", order_number="1")
