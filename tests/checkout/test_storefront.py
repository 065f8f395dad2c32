"""The buyer's pages: checkout form, tampering, the test provider's choices, the order page."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client

from dukkan.checkout.models import Order, OrderStatus, Payment

pytestmark = pytest.mark.django_db(transaction=True)


def _checkout(client: Client, store: Any, product: Any, **data: Any) -> Any:
    payload = {"email": "noura@customers.example", "name": "نورة", "provider": "test", **data}
    return client.post(f"/ar/s/{store.slug}/checkout/{product.slug}/", payload)


def test_checkout_page_shows_price_vat_and_providers(shop: Any, product: Any) -> None:
    response = Client().get(f"/ar/s/{shop.slug}/checkout/{product.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert product.title in html
    assert 'dir="rtl"' in html
    assert "15" in html  # VAT rate
    assert 'value="test"' in html
    assert 'value="manual"' in html
    assert 'value="stripe"' not in html


def test_buy_with_test_provider_success(shop: Any, product: Any) -> None:
    client = Client()
    response = _checkout(client, shop, product)
    assert response.status_code == 302
    order = Order.objects.get(store=shop)
    assert order.language == "ar"
    assert response["Location"].endswith(
        f"/ar/s/{shop.slug}/checkout/order/{order.token}/test-pay/"
    )
    pay_page = client.get(response["Location"])
    assert pay_page.status_code == 200
    done = client.post(response["Location"], {"choice": "success"})
    assert done.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.FULFILLED
    page = client.get(done["Location"]).content.decode()
    assert "/purchases/open/" in page  # a link straight into My purchases


def test_tampered_price_and_quantity_are_ignored(shop: Any, product: Any) -> None:
    response = _checkout(
        Client(), shop, product, amount="0.01", quantity="40", price_minor="1", total_minor="1"
    )
    assert response.status_code == 302
    order = Order.objects.get(store=shop)
    line = order.lines.get()
    assert (line.unit_price_minor, line.quantity, order.total_minor) == (11500, 1, 11500)


def test_bad_input_gets_clear_errors(shop: Any, product: Any) -> None:
    client = Client()
    response = _checkout(client, shop, product, email="not-an-email")
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    response = _checkout(client, shop, product, provider="stripe")
    assert response.status_code == 400
    assert not Order.objects.exists()
    assert client.get(f"/ar/s/{shop.slug}/checkout/no-such-product/").status_code == 404


def test_failure_then_try_again(shop: Any, product: Any) -> None:
    client = Client()
    pay = _checkout(client, shop, product)["Location"]
    order_url = client.post(pay, {"choice": "failure"})["Location"]
    order = Order.objects.get(store=shop)
    assert order.status == OrderStatus.FAILED
    page = client.get(order_url).content.decode()
    assert f"/ar/s/{shop.slug}/checkout/{quote(product.slug)}/" in page  # try again


def test_delay_leaves_pending_then_the_signed_webhook_completes(shop: Any, product: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    from dukkan.checkout.tasks import deliver_test_webhook

    client = Client()
    pay = _checkout(client, shop, product)["Location"]
    order_url = client.post(pay, {"choice": "delay"})["Location"]
    order = Order.objects.get(store=shop)
    assert order.status == OrderStatus.PENDING
    assert 'http-equiv="refresh"' in client.get(order_url).content.decode()
    queued = DBTaskResult.objects.filter(task_path__endswith="deliver_test_webhook").get()
    assert queued.run_after is not None
    assert Payment.objects.get(order=order).raw["choice"] == "delay"
    assert deliver_test_webhook.call(order.pk) == "paid"
    order.refresh_from_db()
    assert order.status == OrderStatus.FULFILLED


def test_sold_out_gets_a_clear_message(shop: Any, make_product: Any) -> None:
    limited = make_product(shop, title="طبعة الإطلاق", quantity_limit=1)
    client = Client()
    assert _checkout(client, shop, limited).status_code == 302
    response = _checkout(client, shop, limited, email="second@example.com")
    assert response.status_code == 409
    assert "طبعة الإطلاق" in response.content.decode()
    assert Order.objects.filter(store=shop).count() == 1


def test_bank_transfer_shows_instructions_in_the_page_language(shop: Any, product: Any) -> None:
    client = Client()
    response = _checkout(client, shop, product, provider="manual")
    order = Order.objects.get(store=shop)
    assert response["Location"].endswith(f"/checkout/order/{order.token}/")
    page = client.get(response["Location"]).content.decode()
    assert "SA00 0000" in page
    assert 'http-equiv="refresh"' not in page
    assert (
        client.get(f"/ar/s/{shop.slug}/checkout/order/{order.token}/test-pay/").status_code == 404
    )


def test_order_page_needs_the_token(shop: Any, product: Any, make_store: Any) -> None:
    client = Client()
    _checkout(client, shop, product)
    order = Order.objects.get(store=shop)
    assert client.get(f"/en/s/{shop.slug}/checkout/order/{order.token}/").status_code == 200
    assert client.get(f"/en/s/{shop.slug}/checkout/order/{order.number}/").status_code == 404
    other = make_store()
    assert client.get(f"/en/s/{other.slug}/checkout/order/{order.token}/").status_code == 404


def test_buyer_cancels_and_the_copy_returns(shop: Any, make_product: Any) -> None:
    limited = make_product(shop, title="محدود", quantity_limit=1)
    client = Client()
    _checkout(client, shop, limited)
    order = Order.objects.get(store=shop)
    client.post(f"/ar/s/{shop.slug}/checkout/order/{order.token}/cancel/")
    order.refresh_from_db()
    limited.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert limited.quantity_sold == 0


def test_a_free_product_is_delivered_without_a_payment(shop: Any, make_product: Any) -> None:
    free = make_product(shop, title="فصل مجاني", price_minor=0)
    client = Client()
    response = _checkout(client, shop, free)
    order = Order.objects.get(store=shop)
    assert response["Location"].endswith(f"/checkout/order/{order.token}/")
    order.refresh_from_db()
    assert order.status == OrderStatus.FULFILLED
    assert order.total_minor == 0
