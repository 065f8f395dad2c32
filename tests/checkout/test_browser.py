"""A buyer on a phone, in Arabic: checkout → test provider success → confirmation."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import PHONE, browser  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("DUKKAN_SHOTS", "/tmp/checkout-shots"))


@pytest.fixture
def server(transactional_db: None, live_server: Any) -> str:
    return str(live_server.url)


def test_arabic_phone_checkout_with_the_test_provider(
    server: str,
    browser: Browser,  # noqa: F811
    shop: Any,
    product: Any,
) -> None:
    from dukkan.checkout.models import Order, OrderStatus

    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=PHONE, locale="ar")  # type: ignore[arg-type]
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{server}/ar/s/{shop.slug}/checkout/{product.slug}/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("h1")).to_contain_text(product.title)
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(SHOTS / "checkout-ar-phone.png"), full_page=True)

    page.click("button[type=submit].checkout-pay")  # no email yet: a clear error, nothing made
    expect(page.locator("#id_email_error")).to_be_visible()
    assert not Order.objects.exists()

    page.fill("input[name=email]", "noura@customers.example")
    page.fill("input[name=name]", "نورة")
    page.check("input[name=provider][value=test]")
    page.click("button[type=submit].checkout-pay")
    page.wait_for_url("**/test-pay/")
    page.screenshot(path=str(SHOTS / "test-pay-ar-phone.png"), full_page=True)
    page.click("button[value=success]")
    page.wait_for_url("**/checkout/order/*/")
    expect(page.locator(".order-status")).to_have_class("card order-status order-fulfilled")
    expect(page.locator("a.button")).to_be_visible()  # to My purchases
    page.screenshot(path=str(SHOTS / "order-ar-phone.png"), full_page=True)
    order = Order.objects.get(store=shop)
    assert order.status == OrderStatus.FULFILLED
    assert order.language == "ar"
    context.close()


def test_dashboard_order_pages_in_persian(
    server: str,
    browser: Browser,  # noqa: F811
    shop: Any,
    product: Any,
) -> None:
    from dukkan.accounts.models import Membership
    from dukkan.checkout import services
    from tests.conftest import PASSWORD

    order = services.start_checkout(
        shop, product, email="sara@customers.example", name="سارا", provider="test"
    )
    services.mark_paid(
        order, provider="test", reference="r", amount_minor=order.total_minor, currency="SAR"
    )
    services.refund(order, amount_minor=1500, reason="یک فصل ناقص بود", by=None)
    owner = Membership.objects.get(store=shop, role="owner").user
    owner.set_password(PASSWORD)
    owner.save()
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/fa/accounts/login/")
    page.fill("input[name=login]", owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    page.goto(f"{server}/fa/dashboard/{shop.slug}/orders/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("table.table")).to_contain_text("sara@customers.example")
    page.screenshot(path=str(SHOTS / "orders-fa.png"), full_page=True)
    page.goto(f"{server}/fa/dashboard/{shop.slug}/orders/{order.number}/")
    expect(page.locator("main")).to_contain_text("یک فصل ناقص بود")
    page.screenshot(path=str(SHOTS / "order-detail-fa.png"), full_page=True)
    page.goto(f"{server}/fa/dashboard/{shop.slug}/orders/settings/")
    page.screenshot(path=str(SHOTS / "settings-fa.png"), full_page=True)
    context.close()
