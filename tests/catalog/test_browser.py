"""The product page and the editor in a real browser: phone-size Persian page, a ticking
countdown, the no-JavaScript fallback, and the Markdown preview."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django.utils.translation import pgettext
from playwright.sync_api import Browser, Page

from dukkan.accounts import services as accounts
from dukkan.accounts.models import User
from dukkan.catalog import services
from dukkan.catalog.models import Visibility
from tests.browser.conftest import PHONE, browser, catalog, overflow, sign_in  # noqa: F401
from tests.catalog.conftest import picture_bytes
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERSIAN_DIGIT = re.compile("[۰-۹]")


@pytest.fixture
def shop(transactional_db: None, live_server: Any) -> dict[str, Any]:
    owner = User.objects.create_user(email="maryam@browser.example", password=PASSWORD)
    store = accounts.create_store(
        owner=owner,
        name="افزونه‌سرا",
        slug="afzoonesara",
        currency="IRR",
        default_language="fa",
        time_zone="Asia/Tehran",
    )
    now = timezone.now()
    product = services.create_product(
        store,
        title="درگاه پرداخت زرین‌پال برای ووکامرس",
        summary="پرداخت امن با همه‌ی کارت‌های عضو شتاب و بازگشت خودکار به فروشگاه.",
        description="## پرداخت بی‌دردسر\n\nمتنی طولانی با یک واژه‌ی English و یک نشانی "
        "https://example.com/a/very/long/path/that/must/wrap/on/a/phone/screen/without/overflow",
        price_minor=3_900_000,
        sale_price_minor=2_900_000,
        sale_starts_at=now - timedelta(hours=1),
        sale_ends_at=now + timedelta(days=2, hours=3),
        quantity_limit=50,
        visibility=Visibility.PUBLISHED,
    )
    services.set_cover(product, ContentFile(picture_bytes((900, 1200)), name="cover.jpg"))
    services.set_sample(product, ContentFile(b"%PDF-1.4 sample", name="rahnama.pdf"))
    return {"url": str(live_server.url), "store": store, "product": product, "owner": owner}


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:  # noqa: F811
    context = browser.new_context(viewport=PHONE)  # type: ignore[arg-type]
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_persian_product_page_fits_a_phone_and_the_countdown_ticks(
    phone: Page, shop: dict[str, Any]
) -> None:
    product = shop["product"]
    text = catalog("fa")
    phone.goto(f"{shop['url']}/fa/s/afzoonesara/p/{product.slug}/")
    assert phone.locator("html").get_attribute("dir") == "rtl"
    assert overflow(phone) == 0
    assert phone.locator(".price").first.inner_text().strip() == "۲۹۰٬۰۰۰ تومان"
    countdown = phone.locator("[data-countdown-text]")
    phone.wait_for_function(
        "() => document.querySelector('[data-countdown]').classList.contains('live')"
    )
    assert phone.locator(".countdown-label").inner_text().strip() == text("Sale ends in")
    first = countdown.inner_text()
    assert PERSIAN_DIGIT.search(first)
    with translation.override("fa"):
        days = pgettext("days, short", "d")
    assert f"۲ {days}" in first  # two days and some hours left
    phone.wait_for_function(
        "before => document.querySelector('[data-countdown-text]').textContent !== before",
        arg=countdown.text_content(),
    )
    assert countdown.inner_text() != first
    # The buy button and the sample are on the page and inside the window.
    for selector in (".buy", ".sample"):
        box = phone.locator(selector).bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"]
    phone.goto(f"{shop['url']}/fa/s/afzoonesara/")
    assert overflow(phone) == 0
    assert phone.locator(".product-card").count() == 1


def test_without_javascript_the_end_time_is_written_out(
    browser: Browser,  # noqa: F811
    shop: dict[str, Any],
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{shop['url']}/en/s/afzoonesara/p/{shop['product'].slug}/")
    label = page.locator(".countdown-label").inner_text().strip()
    assert label == "Sale ends"
    end = shop["product"].sale_ends_at.astimezone(timezone.get_fixed_timezone(210))
    assert str(end.year) in page.locator("[data-countdown-text]").inner_text()
    context.close()


def test_owner_previews_markdown_in_the_editor(
    browser: Browser,  # noqa: F811
    shop: dict[str, Any],
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, shop["url"], "fa", shop["owner"].email, PASSWORD)
    page.goto(f"{shop['url']}/fa/dashboard/afzoonesara/products/{shop['product'].pk}/")
    page.fill("textarea[name=description]", "**پررنگ** <script>alert(1)</script>")
    page.click("button[hx-post]")
    page.wait_for_selector("#preview strong")
    assert page.locator("#preview strong").inner_text() == "پررنگ"
    assert page.locator("#preview script").count() == 0
    assert overflow(page) == 0
    context.close()
