"""Shops with real products, files and paid orders for the delivery tests.

Orders are made through checkout's own services (start_checkout, mark_paid) and their
events run after commit, so delivery's real `OrderPaid` handler creates the entitlements.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from dukkan.catalog import services as catalog_services
from dukkan.catalog.models import Product
from dukkan.checkout import services as checkout_services
from dukkan.checkout.models import Order
from dukkan.core.tasks import handle_event  # noqa: F401  (registers the task the queue holds)
from dukkan.delivery import tasks as delivery_tasks  # noqa: F401  (registers delivery's tasks)
from dukkan.delivery.models import Entitlement
from tests.browser.conftest import browser, page  # noqa: F401  (the fixtures, shared)
from tests.tasks import run_queued_tasks  # noqa: F401  (imported from here by tests)


def make_pdf(pages: int, text: str = "Chapter") -> bytes:
    """A real PDF whose pages each carry a line of text (drawn with Helvetica)."""
    writer = PdfWriter()
    font = DictionaryObject()
    font[NameObject("/Type")] = NameObject("/Font")
    font[NameObject("/Subtype")] = NameObject("/Type1")
    font[NameObject("/BaseFont")] = NameObject("/Helvetica")
    font_ref = writer._add_object(font)
    for number in range(1, pages + 1):
        blank = writer.add_blank_page(width=595, height=842)
        resources = DictionaryObject()
        fonts = DictionaryObject()
        fonts[NameObject("/F1")] = font_ref
        resources[NameObject("/Font")] = fonts
        blank[NameObject("/Resources")] = resources
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 18 Tf 72 760 Td ({text} {number}) Tj ET".encode())
        blank[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def link_in(message: mail.EmailMessage) -> str:
    match = re.search(r"https?://\S+", str(message.body))
    assert match, f"no link in mail: {message.body}"
    parts = urlsplit(match.group(0))
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def shop(make_store: Callable[..., Any]) -> Any:
    return make_store(slug="warraq", name="مكتبة الورّاق", currency="SAR", default_language="ar")


@pytest.fixture
def make_product() -> Callable[..., Product]:
    def make(
        store: Any,
        title: str = "Book",
        files: list[tuple[str, bytes]] | None = None,
        **fields: Any,
    ) -> Product:
        fields.setdefault("price_minor", 4900)
        fields.setdefault("visibility", "published")
        product = catalog_services.create_product(store, title=title, **fields)
        for name, data in files or []:
            catalog_services.add_file(product, ContentFile(data, name=name), title=name)
        return product

    return make


@pytest.fixture
def buy(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> Callable[..., Order]:
    """A paid order through checkout's services; delivery's handler runs after commit."""

    def purchase(
        store: Any, product: Product, email: str = "noura@customers.example", language: str = "ar"
    ) -> Order:
        with django_capture_on_commit_callbacks(execute=True):
            order = checkout_services.start_checkout(
                store, product, email=email, language=language, provider="test"
            )
        with django_capture_on_commit_callbacks(execute=True):
            checkout_services.mark_paid(
                order,
                provider="test",
                reference=f"test-{order.pk}",
                amount_minor=order.total_minor,
                currency=order.currency,
            )
        order.refresh_from_db()
        return order

    return purchase


@pytest.fixture
def book_bytes() -> bytes:
    return bytes(range(256)) * 4096  # 1 MiB with a pattern, so ranges can be checked


@pytest.fixture
def paid(
    shop: Any, make_product: Callable[..., Product], buy: Callable[..., Order], book_bytes: bytes
) -> Entitlement:
    product = make_product(shop, title="ديوان المتنبي", files=[("ديوان المتنبي.zip", book_bytes)])
    order = buy(shop, product)
    return Entitlement.objects.select_related("store", "order").get(order=order)
