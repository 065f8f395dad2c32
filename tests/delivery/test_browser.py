"""A Persian buyer on a phone opens My purchases by email link and downloads; ar and fa shots."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page

from dukkan.catalog.models import Product
from dukkan.checkout.models import Order
from dukkan.delivery.models import Entitlement
from dukkan.delivery.services import revoke_for_refund
from tests.browser.conftest import DESKTOP, PHONE, catalog, overflow
from tests.delivery.conftest import link_in, make_pdf, run_queued_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("DUKKAN_SHOTS", "/tmp/delivery-shots"))


def _shop(
    make_store: Callable[..., Any],
    make_product: Callable[..., Product],
    buy: Callable[..., Order],
    language: str,
) -> tuple[Any, Order]:
    if language == "fa":
        store = make_store(slug="afzoone", name="افزونه‌سرا", currency="IRR", default_language="fa")
        product = make_product(
            store,
            title="افزونه‌ی تقویم شمسی برای ووکامرس — نسخه‌ی حرفه‌ای",
            price_minor=4_900_000,
            files=[
                ("persian-calendar-pro-for-woocommerce-3.2.1.zip", b"z" * 300_000),
                ("راهنمای نصب و راه‌اندازی.pdf", make_pdf(2)),
            ],
        )
        order = buy(store, product, email="sara@customers.example", language="fa")
    else:
        store = make_store(
            slug="warraq", name="مكتبة الورّاق", currency="SAR", default_language="ar"
        )
        product = make_product(
            store,
            title="ديوان المتنبي — طبعة محققة",
            price_minor=4900,
            files=[("ديوان المتنبي.pdf", make_pdf(3))],
            pdf_stamping=True,
        )
        order = buy(store, product, email="noura@customers.example", language="ar")
    return store, order


@pytest.mark.parametrize("language", ["fa", "ar"])
def test_buyer_opens_my_purchases_on_a_phone_and_downloads(
    page: Page,
    live_server: Any,
    make_store: Callable[..., Any],
    make_product: Callable[..., Product],
    buy: Callable[..., Order],
    language: str,
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    store, order = _shop(make_store, make_product, buy, language)
    run_queued_tasks()  # the receipt
    mail.outbox.clear()
    text = catalog(language)
    base = str(live_server.url)
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]

    page.goto(f"{base}/{language}/s/{store.slug}/purchases/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("main h1").inner_text().strip() == text("My purchases")
    assert overflow(page) == 0
    page.screenshot(path=str(SHOTS / f"{language}-request.png"), full_page=True)

    page.fill("input[name=email]", order.email)
    page.click("main form button[type=submit]")
    assert page.locator("main h1").inner_text().strip() == text("Check your email")
    assert overflow(page) == 0

    run_queued_tasks()
    (message,) = mail.outbox
    page.goto(base + link_in(message))
    assert page.url == f"{base}/{language}/s/{store.slug}/purchases/"
    assert page.locator(".delivery-order").count() == 1
    assert overflow(page) == 0, "My purchases is wider than a phone"
    page.screenshot(path=str(SHOTS / f"{language}-purchases-phone.png"), full_page=True)

    with page.expect_download() as waiting:
        page.locator("a.delivery-download").first.click()
    download = waiting.value
    assert download.suggested_filename.endswith((".zip", ".pdf"))
    assert Path(download.path()).stat().st_size > 0
    page.reload()
    used = text("Downloads used: %(used)s of %(limit)s")
    assert used.split("%")[0].strip() in page.locator(".delivery-used").first.inner_text()

    page.set_viewport_size(DESKTOP)  # type: ignore[arg-type]
    page.screenshot(path=str(SHOTS / f"{language}-purchases-desktop.png"), full_page=True)

    page.click(f"a[href$='/purchases/receipts/{order.number}/']")
    assert overflow(page) == 0
    page.screenshot(path=str(SHOTS / f"{language}-receipt.png"), full_page=True)
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    assert overflow(page) == 0

    # A link that no longer works: the clear page, fitting the phone, offering a fresh link.
    page.goto(f"{base}/{language}/s/{store.slug}/purchases/")
    href = page.locator("a.delivery-download").first.get_attribute("href")
    assert href
    revoke_for_refund(Entitlement.objects.filter(order=order).first().order, full=True)  # type: ignore[union-attr]
    response = page.goto(base + href)
    assert response is not None
    assert response.status == 410
    assert overflow(page) == 0
    page.screenshot(path=str(SHOTS / f"{language}-revoked.png"), full_page=True)
    expired = page.goto(f"{base}/dl/1.c.1.x.y/")
    assert expired is not None
    assert expired.status == 403


def test_seller_sees_the_delivery_page_in_persian_on_a_phone(
    page: Page,
    live_server: Any,
    make_store: Callable[..., Any],
    make_product: Callable[..., Product],
    buy: Callable[..., Order],
) -> None:
    from django.test import override_settings
    from django.urls import get_resolver

    from dukkan.accounts.models import Membership, Role
    from dukkan.delivery.services import download_url_for
    from tests.browser.conftest import sign_in
    from tests.conftest import PASSWORD

    SHOTS.mkdir(parents=True, exist_ok=True)
    store, order = _shop(make_store, make_product, buy, "fa")
    owner = Membership.objects.get(store=store, role=Role.OWNER).user
    base = str(live_server.url)
    page.request.get(base + download_url_for(Entitlement.objects.filter(order=order).first()))  # type: ignore[arg-type]
    mounted = "delivery_dashboard" in get_resolver().namespace_dict
    with override_settings(
        ROOT_URLCONF="dukkan.config.urls" if mounted else "tests.delivery.urls_with_dashboard"
    ):
        sign_in(page, base, "fa", owner.email, PASSWORD)
        page.set_viewport_size(PHONE)  # type: ignore[arg-type]
        page.goto(f"{base}/fa/dashboard/{store.slug}/delivery/")
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert page.locator("table tbody tr").count() == 1
        assert overflow(page) == 0
        page.screenshot(path=str(SHOTS / "fa-dashboard-phone.png"), full_page=True)
        page.set_viewport_size(DESKTOP)  # type: ignore[arg-type]
        page.fill("input[name=download_limit]", "8")
        page.click("form.delivery-settings button[type=submit]")
        assert page.locator("input[name=download_limit]").input_value() == "8"
        page.screenshot(path=str(SHOTS / "fa-dashboard-desktop.png"), full_page=True)
