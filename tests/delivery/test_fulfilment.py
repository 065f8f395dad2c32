"""After payment: entitlements, the receipt email, fulfilment; after refunds: revocation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from dukkan.catalog import services as catalog_services
from dukkan.catalog.models import Product
from dukkan.checkout import services as checkout_services
from dukkan.checkout.events import OrderPaid
from dukkan.checkout.models import Order, OrderStatus
from dukkan.core.events import publish
from dukkan.delivery.handlers import deliver_paid_order
from dukkan.delivery.models import Entitlement
from dukkan.delivery.selectors import downloads_summary
from dukkan.delivery.services import download_url_for
from tests.delivery.conftest import link_in, run_queued_tasks

pytestmark = pytest.mark.django_db


def test_payment_creates_entitlements_queues_the_receipt_and_fulfils(
    shop: Any, make_product: Callable[..., Product], buy: Callable[..., Order]
) -> None:
    product = make_product(shop, title="ديوان", files=[("a.pdf", b"%PDF a"), ("b.epub", b"epub")])
    order = buy(shop, product)
    assert order.status == OrderStatus.FULFILLED
    titles = sorted(
        Entitlement.objects.filter(order=order).values_list("product_file__title", flat=True)
    )
    assert titles == ["a.pdf", "b.epub"]
    assert mail.outbox == []  # the receipt is a background task
    assert run_queued_tasks() >= 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [order.email]


def test_a_second_order_paid_creates_nothing_and_sends_no_second_receipt(
    shop: Any,
    make_product: Callable[..., Product],
    buy: Callable[..., Order],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    product = make_product(shop, files=[("a.zip", b"zip")])
    order = buy(shop, product)
    run_queued_tasks()
    before = list(Entitlement.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        publish(OrderPaid(order_id=order.pk, store_id=shop.pk))
    deliver_paid_order(OrderPaid(order_id=order.pk, store_id=shop.pk))
    run_queued_tasks()
    assert list(Entitlement.objects.values_list("pk", flat=True)) == before
    assert len(mail.outbox) == 1


def test_an_unpaid_order_gets_nothing(shop: Any, make_product: Callable[..., Product]) -> None:
    product = make_product(shop, files=[("a.zip", b"zip")])
    order = checkout_services.start_checkout(shop, product, email="x@example.com", provider="test")
    deliver_paid_order(OrderPaid(order_id=order.pk, store_id=shop.pk))
    assert not Entitlement.objects.exists()
    # An event naming another store's id finds nothing either.
    deliver_paid_order(OrderPaid(order_id=order.pk, store_id=shop.pk + 1000))
    assert not Entitlement.objects.exists()


def test_a_bundle_delivers_the_files_of_every_product_in_it(
    shop: Any, make_product: Callable[..., Product], buy: Callable[..., Order]
) -> None:
    one = make_product(shop, title="One", files=[("one.pdf", b"1")])
    two = make_product(shop, title="Two", files=[("two.pdf", b"2"), ("two-extra.zip", b"22")])
    bundle = make_product(shop, title="Both", kind="bundle")
    catalog_services.set_bundle_items(bundle, [one, two])
    order = buy(shop, bundle)
    titles = sorted(
        Entitlement.objects.filter(order=order).values_list("product_file__title", flat=True)
    )
    assert titles == ["one.pdf", "two-extra.zip", "two.pdf"]


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("fa", "rtl"), ("en", "ltr")])
def test_the_receipt_is_html_and_text_in_the_buyers_language(
    make_store: Callable[..., Any],
    make_product: Callable[..., Product],
    buy: Callable[..., Order],
    language: str,
    direction: str,
) -> None:
    currency = {"ar": "SAR", "fa": "IRR", "en": "USD"}[language]
    store = make_store(currency=currency, default_language=language)
    product = make_product(
        store, title="<b>Evil</b> & co", files=[("f.zip", b"z")], price_minor=250000
    )
    order = buy(store, product, email="buyer@customers.example", language=language)
    run_queued_tasks()
    message = mail.outbox[0]
    html, kind = message.alternatives[0]  # type: ignore[attr-defined]
    assert kind == "text/html"
    assert f'dir="{direction}"' in html
    assert f'lang="{language}"' in html
    # Customer- and seller-provided text is escaped in HTML, left as typed in the text part.
    assert "<b>Evil</b>" not in html
    assert "&lt;b&gt;Evil&lt;/b&gt; &amp; co" in html
    assert "<b>Evil</b> & co" in message.body
    assert (
        order.number.translate(
            str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹") if language == "fa" else {}
        )
        in message.subject
    )
    link = link_in(message)
    assert f"/{language}/s/{store.slug}/purchases/open/" in link
    if language == "fa":
        assert "تومان" in message.body  # IRR is shown in toman
        assert "۲۵٬۰۰۰" in message.body or "۲۵,۰۰۰" in message.body
        assert "text-align:right" in html
    if language == "en":
        assert "$2,500.00" in message.body
        assert "text-align:left" in html


def test_a_persian_receipt_dates_in_jalali(
    make_store: Callable[..., Any], make_product: Callable[..., Product], buy: Callable[..., Order]
) -> None:
    import jdatetime

    store = make_store(currency="IRR", default_language="fa")
    product = make_product(store, files=[("f.zip", b"z")], price_minor=1000)
    order = buy(store, product, email="sara@customers.example", language="fa")
    run_queued_tasks()
    year = jdatetime.date.fromgregorian(date=order.created_at.date()).year
    assert str(year).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) in mail.outbox[0].body


def test_full_refund_revokes_every_download(
    shop: Any,
    make_product: Callable[..., Product],
    buy: Callable[..., Order],
    client: Client,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    product = make_product(shop, files=[("a.zip", b"a"), ("b.zip", b"b")])
    order = buy(shop, product)
    urls = [download_url_for(e) for e in Entitlement.objects.filter(order=order)]
    with django_capture_on_commit_callbacks(execute=True):
        checkout_services.refund(order, reason="asked")
    assert all(e.revoked_at for e in Entitlement.objects.filter(order=order))
    for url in urls:
        assert client.get(url).status_code == 410
    assert [row.revoked for row in downloads_summary(order)] == [True, True]


def test_partial_refund_revokes_only_the_refunded_line(
    shop: Any,
    make_product: Callable[..., Product],
    buy: Callable[..., Order],
    client: Client,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    product = make_product(shop, files=[("a.zip", b"a")])
    kept = buy(shop, product)
    refunded = buy(shop, product, email="other@customers.example")
    # A partial amount without lines revokes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        checkout_services.refund(kept, amount_minor=100)
    assert not Entitlement.objects.filter(revoked_at__isnull=False).exists()
    line = refunded.lines.get()
    with django_capture_on_commit_callbacks(execute=True):
        checkout_services.refund(refunded, lines=[line])
    assert Entitlement.objects.get(order=refunded).revoked_at is not None
    assert Entitlement.objects.get(order=kept).revoked_at is None
    assert client.get(download_url_for(Entitlement.objects.get(order=kept))).status_code == 200


def test_downloads_summary_for_the_agent_panel(paid: Entitlement, client: Client) -> None:
    response = client.get(download_url_for(paid))
    b"".join(response.streaming_content)
    (row,) = downloads_summary(paid.order)
    assert (row.title, row.downloads_used, row.limit, row.revoked) == (
        "ديوان المتنبي.zip",
        1,
        5,
        False,
    )
    assert row.left == 4


def test_an_order_without_files_is_fulfilled_with_one_receipt(
    shop: Any,
    make_product: Callable[..., Product],
    buy: Callable[..., Order],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    product = make_product(shop, title="Licence only", kind="software")
    order = buy(shop, product)
    assert order.status == OrderStatus.FULFILLED
    with django_capture_on_commit_callbacks(execute=True):
        publish(OrderPaid(order_id=order.pk, store_id=shop.pk))
    run_queued_tasks()
    assert len(mail.outbox) == 1
    assert not Entitlement.objects.filter(order=order).exists()
