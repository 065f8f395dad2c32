"""The issue's end-to-end in Persian: a seller lists a service → it waits in the review queue →
the reviewer requests a change → the seller fixes it → approved → a buyer orders the standard
package and fills in the requirements → the seller delivers late → revision → delivery →
completion → review."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import DESKTOP, browser, sign_in  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("DUKKAN_SHOTS", "/tmp/gigs-shots"))


@pytest.fixture
def server(transactional_db: None, live_server: Any) -> str:
    return str(live_server.url)


def _list_service(desk: Page, server: str, shop: Any) -> Any:
    """The seller creates the service, its packages and a requirement, all in the dashboard."""
    from dukkan.catalog.models import Product

    desk.goto(f"{server}/fa/dashboard/{shop.slug}/products/new/")
    desk.select_option("#details select[name=kind]", "service")
    desk.fill("#details input[name=title]", "نصب و پیکربندی افزونه")
    desk.fill("#details textarea[name=description]", "نصب افزونه.")
    desk.select_option("#details select[name=visibility]", "published")
    desk.fill("#details input[name=price]", "0")
    desk.click("#details button[type=submit]")
    desk.wait_for_url("**/products/*/")
    product = Product.objects.get(store=shop, kind="service")
    desk.goto(f"{server}/fa/dashboard/{shop.slug}/services/product/{product.pk}/")
    for tier, title, price, days, revisions in (
        ("basic", "پایه", "100000", "2", "0"),
        ("standard", "استاندارد", "250000", "3", "1"),
    ):
        box = desk.locator(f"fieldset[data-tier={tier}]")
        box.locator("input[name$=enabled]").check()
        box.locator("input[name$=title]").fill(title)
        box.locator("input[name$=price]").fill(price)
        box.locator("input[name$=delivery_days]").fill(days)
        box.locator("input[name$=revisions]").fill(revisions)
    desk.click("form.packages-editor button[type=submit]")
    expect(desk.locator(".messages")).to_be_visible()
    question = desk.locator("form[action$='/questions/']")
    question.locator("input[name=question]").fill("نشانی سایت شما چیست؟")
    question.locator("button[type=submit]").click()
    expect(desk.locator("body")).to_contain_text("نشانی سایت شما چیست؟")
    return product


def test_persian_service_from_listing_review_to_order_and_review(
    server: str,
    browser: Browser,  # noqa: F811
    shop: Any,
    market: Any,
    make_user: Any,
    tmp_path: Path,
) -> None:
    from dukkan.accounts.models import Membership
    from dukkan.gigs.models import GigOrder, GigStatus
    from dukkan.moderation.models import ListingReview, ModerationSettings
    from dukkan.reviews.models import Review
    from tests.conftest import PASSWORD

    SHOTS.mkdir(parents=True, exist_ok=True)
    ModerationSettings.objects.update_or_create(pk=1, defaults={"review_listings": True})
    seller = browser.new_context(viewport=DESKTOP, locale="fa")  # type: ignore[arg-type]
    seller.set_default_timeout(15_000)
    desk = seller.new_page()
    owner = Membership.objects.get(store=shop, role="owner").user
    sign_in(desk, server, "fa", owner.email, PASSWORD)
    service = _list_service(desk, server, shop)

    # Waiting for review: not public yet.
    buyer = browser.new_context(viewport=DESKTOP, locale="fa")  # type: ignore[arg-type]
    buyer.set_default_timeout(15_000)
    page = buyer.new_page()
    hidden = page.goto(f"{server}/fa/s/{shop.slug}/p/{service.slug}/")
    assert hidden is not None
    assert hidden.status == 404

    reviewer = browser.new_context(viewport=DESKTOP, locale="fa")  # type: ignore[arg-type]
    reviewer.set_default_timeout(15_000)
    queue = reviewer.new_page()
    operator = make_user(is_operator=True)
    sign_in(queue, server, "fa", operator.email, PASSWORD)
    queue.goto(f"{server}/fa/operator/review/")
    item = queue.locator("section.review-item", has_text="نصب و پیکربندی افزونه")
    queue.screenshot(path=str(SHOTS / "review-queue-fa.png"), full_page=True)
    item.locator("textarea[name=reasons]").fill(
        "توضیح خیلی کوتاه است؛ بگویید دقیقاً چه انجام می‌دهید."
    )
    item.locator("button[value=request_changes]").click()
    expect(queue.locator(".messages .success")).to_be_visible()

    # The seller reads the feedback, fixes the description and sends it again.
    desk.goto(f"{server}/fa/dashboard/{shop.slug}/listing-review/")
    expect(desk.locator(".feedback").first).to_contain_text("توضیح خیلی کوتاه است")
    desk.goto(f"{server}/fa/dashboard/{shop.slug}/products/{service.pk}/")
    desk.fill(
        "#details textarea[name=description]",
        "افزونه را روی سایت وردپرس شما نصب و پیکربندی می‌کنم: تنظیمات امنیتی، "
        "زبان فارسی، سازگاری با قالب و آزمون کامل پیش از تحویل.",
    )
    desk.click("#details button[type=submit]")
    desk.goto(f"{server}/fa/dashboard/{shop.slug}/listing-review/")
    resend = desk.locator("form[action$='/resubmit/'] button")
    if resend.count():  # a substantial edit already queued it again
        resend.first.click()
    pending = ListingReview.objects.filter(product=service, current=True).get()
    assert pending.status == "pending"

    queue.goto(f"{server}/fa/operator/review/")
    item = queue.locator("section.review-item", has_text="نصب و پیکربندی افزونه")
    item.locator("button[value=approve]").click()  # the checklist is not ticked: refused
    expect(queue.locator(".messages .error")).to_be_visible()
    item = queue.locator("section.review-item", has_text="نصب و پیکربندی افزونه")
    for box in item.locator("fieldset input[type=checkbox]").all():
        box.check()
    item.locator("button[value=approve]").click()
    expect(queue.locator(".messages .success")).to_be_visible()
    expect(queue.locator("section.review-item", has_text="نصب و پیکربندی افزونه")).to_have_count(0)
    pending.refresh_from_db()
    assert pending.status == "approved"
    reviewer.close()

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
    assert gig.price_minor == 2_500_000  # 250,000 toman in rials
    buyer_url = page.url

    # The deadline passes before the seller delivers.
    GigOrder.objects.filter(pk=gig.pk).update(due_at=timezone.now() - timedelta(hours=1))
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
