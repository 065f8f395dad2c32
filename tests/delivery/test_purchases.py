"""My purchases through the real views: ask for a link, read the mail, follow it, download."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from dukkan.catalog.models import Product
from dukkan.checkout.models import Order
from dukkan.delivery.models import Entitlement
from dukkan.delivery.services import delivery_settings
from dukkan.delivery.tokens import make_purchases_token
from tests.delivery.conftest import link_in, run_queued_tasks

pytestmark = pytest.mark.django_db


def _url(name: str, store: Any, language: str = "ar", **kwargs: str) -> str:
    with translation.override(language):
        return reverse(f"purchases:{name}", kwargs={"store_slug": store.slug, **kwargs})


def test_request_link_mailbox_follow_download(
    paid: Entitlement, client: Client, book_bytes: bytes
) -> None:
    store = paid.store
    run_queued_tasks()
    mail.outbox.clear()
    page = client.get(_url("home", store))
    assert page.status_code == 200
    assert 'name="email"' in page.content.decode()
    sent = client.post(_url("request_link", store), {"email": "  Noura@Customers.example "})
    assert sent.status_code == 200
    run_queued_tasks()
    (message,) = mail.outbox
    assert message.to == ["noura@customers.example"]
    html, _kind = message.alternatives[0]  # type: ignore[attr-defined]
    assert 'dir="rtl"' in html
    opened = client.get(link_in(message))
    assert opened.status_code == 302
    listing = client.get(opened["Location"])
    text = listing.content.decode()
    assert listing.status_code == 200
    assert paid.order.number in text
    assert "ديوان المتنبي.zip" in text
    # Refreshing works: the session remembers the buyer.
    assert client.get(_url("home", store)).content.decode().count("/dl/") == 1
    download = text.split('href="/dl/', 1)[1].split('"', 1)[0]
    response = client.get(f"/dl/{download}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == book_bytes
    # The page now shows one download used of five (in the page's digits).
    again = client.get(_url("home", store, "en")).content.decode()
    assert "Downloads used: 1 of 5" in again


def test_the_request_form_never_reveals_whether_an_address_bought(
    paid: Entitlement, client: Client
) -> None:
    store = paid.store
    run_queued_tasks()
    mail.outbox.clear()
    known = client.post(_url("request_link", store, "en"), {"email": "noura@customers.example"})
    unknown = client.post(_url("request_link", store, "en"), {"email": "nobody@customers.example"})
    assert known.status_code == unknown.status_code == 200

    def strip(html: str, email: str) -> str:
        import re

        html = html.replace(email, "EMAIL")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    assert strip(known.content.decode(), "noura@customers.example") == strip(
        unknown.content.decode(), "nobody@customers.example"
    )
    run_queued_tasks()
    assert [m.to for m in mail.outbox] == [["noura@customers.example"]]


def test_a_link_is_for_one_store_only(
    paid: Entitlement, client: Client, make_store: Callable[..., Any]
) -> None:
    other = make_store()
    token = make_purchases_token(paid.store, paid.email)
    response = client.get(_url("open", other, purchases_token=token))
    assert response.status_code == 403
    assert client.get(_url("home", other)).content.decode().count("/dl/") == 0


def test_an_expired_or_forged_sign_in_link(paid: Entitlement, client: Client) -> None:
    token = make_purchases_token(paid.store, paid.email)
    forged = client.get(_url("open", paid.store, purchases_token=token[:-3] + "xyz"))
    assert forged.status_code == 403
    settings = delivery_settings(paid.store)
    settings.magic_link_hours = 0
    settings.save()
    expired = client.get(_url("open", paid.store, purchases_token=token))
    assert expired.status_code == 410
    assert 'name="email"' in expired.content.decode()  # offers a fresh one


def test_bad_email_and_rate_limit(paid: Entitlement, client: Client) -> None:
    store = paid.store
    assert client.post(_url("request_link", store), {"email": "not-an-email"}).status_code == 400
    statuses = [
        client.post(_url("request_link", store), {"email": "noura@customers.example"}).status_code
        for _ in range(5)
    ]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3:] == [429, 429]
    run_queued_tasks()


def test_receipt_page_needs_the_buyers_session(paid: Entitlement, client: Client) -> None:
    store = paid.store
    order = paid.order
    url = _url("receipt", store, "fa", receipt_number=order.number)
    assert client.get(url).status_code == 404
    client.get(_url("open", store, purchases_token=make_purchases_token(store, paid.email)))
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'dir="rtl"' in html
    assert 'lang="fa"' in html
    assert "window.print()" in html
    # Signed in as someone else: another buyer's receipt is not found.
    other = Client()
    other.get(
        _url("open", store, purchases_token=make_purchases_token(store, "x@customers.example"))
    )
    assert other.get(url).status_code == 404


def test_sign_out_forgets_the_buyer(paid: Entitlement, client: Client) -> None:
    store = paid.store
    client.get(_url("open", store, purchases_token=make_purchases_token(store, paid.email)))
    assert "/dl/" in client.get(_url("home", store)).content.decode()
    client.post(_url("sign_out", store))
    assert "/dl/" not in client.get(_url("home", store)).content.decode()


def test_revoked_files_show_no_link(paid: Entitlement, client: Client) -> None:
    from dukkan.delivery.services import revoke_for_refund

    store = paid.store
    revoke_for_refund(paid.order, full=True)
    client.get(_url("open", store, "en", purchases_token=make_purchases_token(store, paid.email)))
    html = client.get(_url("home", store, "en")).content.decode()
    assert "/dl/" not in html
    assert "Refunded" in html


def test_a_paid_order_without_entitlements_is_delivered_when_the_buyer_looks(
    shop: Any, make_product: Callable[..., Product], buy: Callable[..., Order], client: Client
) -> None:
    product = make_product(shop, files=[("a.zip", b"a")])
    order = buy(shop, product)
    Entitlement.objects.filter(order=order).delete()  # as if the handler had failed
    client.get(_url("open", shop, purchases_token=make_purchases_token(shop, order.email)))
    assert "/dl/" in client.get(_url("home", shop)).content.decode()
    assert Entitlement.objects.filter(order=order).count() == 1
