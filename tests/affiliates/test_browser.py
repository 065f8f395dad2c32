"""In Arabic: an affiliate link, a purchase with the affiliate's coupon, the commission on the
affiliate's dashboard, a refund, the commission reversed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import PHONE, browser, sign_in  # noqa: F401  (the fixture)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("DUKKAN_SHOTS", "/tmp/affiliates-shots"))


@pytest.fixture
def server(transactional_db: None, live_server: Any) -> str:
    return str(live_server.url)


def test_arabic_affiliate_link_coupon_commission_refund(
    server: str,
    browser: Browser,  # noqa: F811
    shop: Any,
    product: Any,
    affiliate: Any,
) -> None:
    from dukkan.affiliates.models import Commission
    from dukkan.checkout import services as checkout_services
    from dukkan.checkout.models import Order

    SHOTS.mkdir(parents=True, exist_ok=True)
    buyer = browser.new_context(viewport=PHONE, locale="ar")  # type: ignore[arg-type]
    buyer.set_default_timeout(15_000)
    page = buyer.new_page()
    page.goto(f"{server}/ar/s/{shop.slug}/p/{product.slug}/?ref=LAYLA")
    assert any(c["name"] == "dukkan_ref" for c in buyer.cookies())
    page.goto(f"{server}/ar/s/{shop.slug}/checkout/{product.slug}/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.fill("input[name=email]", "noura@customers.example")
    page.fill("input[name=name]", "نورة")
    page.fill("input[name=coupon]", "layla")
    page.check("input[name=provider][value=test]")
    page.click("button[type=submit].checkout-pay")
    page.wait_for_url("**/test-pay/")
    page.click("button[value=success]")
    page.wait_for_url("**/checkout/order/*/")
    buyer.close()
    order = Order.objects.get(store=shop)
    assert order.coupon_code == "LAYLA"
    commission = Commission.objects.get(order=order)
    assert commission.source == "coupon"  # the coupon, though the link came first too

    mine = browser.new_context(viewport=PHONE, locale="ar")  # type: ignore[arg-type]
    mine.set_default_timeout(15_000)
    page = mine.new_page()
    sign_in(page, server, "ar", affiliate.user.email, PASSWORD)
    page.goto(f"{server}/ar/s/{shop.slug}/affiliates/dashboard/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("tr.commission-pending")).to_have_count(1)
    expect(page.locator(".affiliate-coupon")).to_have_text("LAYLA")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(SHOTS / "affiliate-dashboard-ar-phone.png"), full_page=True)

    checkout_services.refund(order, reason="طلب المشتري الاسترداد")
    page.reload()
    expect(page.locator("tr.commission-reversed")).to_have_count(1)
    expect(page.locator("tr.commission-pending")).to_have_count(0)
    page.screenshot(path=str(SHOTS / "affiliate-reversed-ar-phone.png"), full_page=True)
    mine.close()
