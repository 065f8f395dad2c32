"""The issue's end-to-end in Persian: a buyer orders the standard package and fills in the
requirements → the seller delivers late → revision → delivery → completion → review."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from tests.browser.conftest import DESKTOP, browser, sign_in  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("DUKKAN_SHOTS", "/tmp/gigs-shots"))


@pytest.fixture
def server(transactional_db: None, live_server: Any) -> str:
    return str(live_server.url)


def test_persian_service_order_from_package_to_review(
    server: str,
    browser: Browser,  # noqa: F811
    shop: Any,
    service: Any,
    tmp_path: Path,
) -> None:
    from dukkan.accounts.models import Membership
    from dukkan.gigs.models import GigOrder, GigStatus
    from dukkan.reviews.models import Review
    from tests.conftest import PASSWORD

    SHOTS.mkdir(parents=True, exist_ok=True)
    buyer = browser.new_context(viewport=DESKTOP, locale="fa")  # type: ignore[arg-type]
    buyer.set_default_timeout(15_000)
    page = buyer.new_page()
    page.goto(f"{server}/fa/s/{shop.slug}/p/{service.slug}/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    standard = page.locator("form.package[data-tier=standard]")
    expect(standard).to_contain_text("استاندارد")
    page.screenshot(path=str(SHOTS / "service-fa.png"), full_page=True)
    standard.locator("input[name=email]").fill("maryam@customers.example")
    standard.locator("button.buy").click()
    page.wait_for_url("**/test-pay/")
    page.click("button[value=success]")
    page.wait_for_url("**/checkout/order/*/")
    page.click(".gig-link a")
    page.wait_for_url("**/services/o/*/")
    # Requirements: the required answer first (the browser's own check), then sent.
    page.fill("form.requirements textarea", "https://maryam.example")
    page.click("form.requirements button[type=submit]")
    expect(page.locator("[data-gig-status]")).to_have_attribute("data-gig-status", "in_progress")
    gig = GigOrder.objects.get(store=shop)
    assert gig.tier == "standard"
    buyer_url = page.url

    # The deadline passes before the seller delivers.
    GigOrder.objects.filter(pk=gig.pk).update(due_at=timezone.now() - timedelta(hours=1))
    seller = browser.new_context(viewport=DESKTOP, locale="fa")  # type: ignore[arg-type]
    seller.set_default_timeout(15_000)
    desk = seller.new_page()
    owner = Membership.objects.get(store=shop, role="owner").user
    sign_in(desk, server, "fa", owner.email, PASSWORD)
    order_url = f"{server}/fa/dashboard/{shop.slug}/services/orders/{gig.pk}/"
    desk.goto(order_url)
    desk.click("form.deliver button[type=submit]")  # nothing to deliver: refused, said why
    expect(desk.locator(".messages .error")).to_be_visible()
    desk.fill("form.deliver textarea[name=message]", "نسخه اول افزونه نصب شد.")
    desk.click("form.deliver button[type=submit]")
    expect(desk.locator("[data-late]").first).to_be_visible()
    desk.screenshot(path=str(SHOTS / "seller-order-fa.png"), full_page=True)

    page.goto(buyer_url)
    page.fill("textarea[name=reason]", "لطفاً رنگ دکمه را عوض کنید")
    page.click("button[name=revision]")
    expect(page.locator("[data-gig-status]")).to_have_attribute(
        "data-gig-status", "revision_requested"
    )

    upload = tmp_path / "settings.zip"
    upload.write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    desk.goto(order_url)
    desk.set_input_files("form.deliver input[name=files]", str(upload))
    desk.click("form.deliver button[type=submit]")
    expect(desk.locator("[data-gig-status]")).to_have_attribute("data-gig-status", "delivered")

    page.goto(buyer_url)
    expect(page.locator(".gig-deliveries a")).to_contain_text("settings.zip")
    page.click("button[name=accept]")
    expect(page.locator("[data-gig-status]")).to_have_attribute("data-gig-status", "completed")
    page.click("a[href*='/reviews/order/']")
    page.check("input[name=rating][value='5']")
    page.fill("textarea[name=comment]", "کار تمیز و دقیق بود، با کمی تأخیر.")
    page.click("form.review-form button[type=submit]")
    expect(page.locator("[data-rating='5']")).to_be_visible()
    page.screenshot(path=str(SHOTS / "review-fa.png"), full_page=True)

    gig.refresh_from_db()
    assert gig.status == GigStatus.COMPLETED
    assert gig.is_late
    assert gig.revisions_used == 1
    review = Review.objects.get(gig_order=gig)
    assert review.rating == 5
    page.goto(f"{server}/fa/s/{shop.slug}/p/{service.slug}/")
    expect(page.locator("#reviews")).to_contain_text("کار تمیز و دقیق بود")
    buyer.close()
    seller.close()
