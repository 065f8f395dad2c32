"""Campaigns reach a real SMTP server with the list headers; empty segments send nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from dukkan.marketing import services
from dukkan.marketing.models import (
    Campaign,
    CampaignRecipient,
    CampaignStatus,
    RecipientStatus,
    SubscriberStatus,
)
from tests.marketing.conftest import Inbox

pytestmark = pytest.mark.django_db


def _campaign(store: Any, segment: Any = None, **fields: Any) -> Campaign:
    fields.setdefault("subject", "عرض خاص للمشترين")
    fields.setdefault("body", "## مرحبا\n\nخصم **٢٠٪** على [الكتب](https://example.com/books).")
    fields.setdefault("language", "ar")
    return Campaign.objects.create(store=store, segment=segment, **fields)


def test_campaign_to_a_segment_arrives_with_list_headers(
    smtp_server: Inbox,
    shop: Any,
    make_product: Callable[..., Any],
    buy: Callable[..., Any],
    subscribed: Callable[..., Any],
) -> None:
    book = make_product(shop, "ديوان")
    buyer = subscribed(shop, "reader@example.com")
    subscribed(shop, "other@example.com")  # confirmed, but did not buy: not in the segment
    pending = services.subscribe(shop, "pending@example.com", source="storefront", language="ar")
    assert pending.subscriber.status == SubscriberStatus.PENDING
    buy(shop, book, "reader@example.com")
    buy(shop, book, "pending@example.com")  # bought, but never confirmed: gets nothing
    segment = services.save_segment(
        shop, name="قراء الديوان", rules=[{"type": "bought", "product": book.pk}]
    )
    campaign = _campaign(shop, segment)

    assert services.start_sending(campaign) == 1
    result = services.send_batch(campaign.pk)

    assert (result.sent, result.failed, result.remaining) == (1, 0, 0)
    [message] = smtp_server.messages
    assert smtp_server.envelopes[0].rcpt_tos == ["reader@example.com"]
    assert str(message["To"]) == "reader@example.com"
    assert "مكتبة الورّاق" in str(message["From"])
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = str(message["List-Unsubscribe"])
    assert "<http" in unsubscribe
    assert "/newsletter/u/" in unsubscribe
    assert "<mailto:" in unsubscribe
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    assert "خصم" in text.get_content()
    html_content = html.get_content()
    assert 'dir="rtl"' in html_content
    assert 'lang="ar"' in html_content
    assert "<strong>٢٠٪</strong>" in html_content
    row = CampaignRecipient.objects.get(campaign=campaign)
    assert row.subscriber_id == buyer.pk
    assert row.status == RecipientStatus.SENT
    assert row.message_id == str(message["Message-ID"])
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT


def test_sending_twice_never_mails_anyone_twice(
    smtp_server: Inbox, shop: Any, subscribed: Callable[..., Any]
) -> None:
    for n in range(3):
        subscribed(shop, f"p{n}@example.com")
    campaign = _campaign(shop)
    services.start_sending(campaign)
    first = services.send_batch(campaign.pk, batch_size=2)
    second = services.send_batch(campaign.pk, batch_size=2)
    third = services.send_batch(campaign.pk, batch_size=2)  # a repeated task: nothing left

    assert (first.sent, second.sent, third.sent) == (2, 1, 0)
    assert sorted(str(m["To"]) for m in smtp_server.messages) == [
        "p0@example.com",
        "p1@example.com",
        "p2@example.com",
    ]


def test_a_crashed_batch_is_not_sent_again(
    smtp_server: Inbox, shop: Any, subscribed: Callable[..., Any]
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    subscribed(shop, "once@example.com")
    campaign = _campaign(shop)
    services.start_sending(campaign)
    # A worker claimed the row and died before recording what happened.
    CampaignRecipient.objects.filter(campaign=campaign).update(
        status=RecipientStatus.SENDING,
        claim="dead-worker",
        claimed_at=timezone.now() - timedelta(hours=1),
    )
    services.send_batch(campaign.pk)

    assert smtp_server.messages == []
    row = CampaignRecipient.objects.get(campaign=campaign)
    assert row.status == RecipientStatus.FAILED
    assert "interrupted" in row.error
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT


def test_a_refused_address_is_recorded_as_bounced(
    smtp_server: Inbox, shop: Any, subscribed: Callable[..., Any]
) -> None:
    subscribed(shop, "good@example.com")
    subscribed(shop, "gone@example.com")
    smtp_server.reject.add("gone@example.com")
    campaign = _campaign(shop)
    services.start_sending(campaign)
    result = services.send_batch(campaign.pk)

    assert (result.sent, result.failed) == (1, 1)
    rows = dict(CampaignRecipient.objects.filter(campaign=campaign).values_list("email", "status"))
    assert rows == {"good@example.com": "sent", "gone@example.com": "bounced"}
    assert "550" in CampaignRecipient.objects.get(email="gone@example.com").error


def test_the_store_rate_limit_holds_back_the_rest(
    smtp_server: Inbox, shop: Any, subscribed: Callable[..., Any]
) -> None:
    for n in range(3):
        subscribed(shop, f"r{n}@example.com")
    settings_row = services.mailing_settings(shop)
    settings_row.rate_per_minute = 2
    settings_row.save()
    campaign = _campaign(shop)
    services.start_sending(campaign)
    first = services.send_batch(campaign.pk)
    second = services.send_batch(campaign.pk)

    assert (first.sent, first.remaining) == (2, 1)
    assert second.sent == 0
    assert second.wait_seconds > 0
    assert len(smtp_server.messages) == 2


def test_empty_segment_is_refused_with_a_clear_message(
    owner_client: Any, shop: Any, make_product: Callable[..., Any], subscribed: Callable[..., Any]
) -> None:
    book = make_product(shop, "كتاب لم يشتره أحد")
    subscribed(shop, "reader@example.com")
    segment = services.save_segment(
        shop, name="لا أحد", rules=[{"type": "bought", "product": book.pk}]
    )
    campaign = _campaign(shop, segment)

    response = owner_client.post(reverse("marketing:campaign_send", args=[shop.slug, campaign.pk]))

    assert response.status_code == 400
    assert "No confirmed subscriber matches this segment" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT
    assert not CampaignRecipient.objects.filter(campaign=campaign).exists()


def test_a_body_with_script_is_refused_and_never_rendered(owner_client: Any, shop: Any) -> None:
    response = owner_client.post(
        reverse("marketing:campaign_new", args=[shop.slug]),
        {
            "subject": "Hi",
            "language": "en",
            "segment": "",
            "body": "Hello <script>alert(1)</script>",
        },
    )
    assert response.status_code == 400
    assert "Remove the script" in response.content.decode()
    assert not Campaign.objects.filter(store=shop).exists()

    from dukkan.marketing.mail import render

    rendered = render(shop, "x", "Hi <b onmouseover=x>there</b> [a](javascript:alert(1))", "en")
    # Raw HTML is shown as text, never as a tag; a javascript: link is never a link.
    assert "<b onmouseover" not in rendered.html
    assert "&lt;b onmouseover=x&gt;" in rendered.html
    assert 'href="javascript' not in rendered.html


def test_preview_in_each_language_and_test_send(
    owner_client: Any, smtp_server: Inbox, shop: Any
) -> None:
    campaign = _campaign(shop, body="Hello **there**", language="en")
    for language, direction in (("ar", "rtl"), ("fa", "rtl"), ("en", "ltr")):
        response = owner_client.get(
            reverse("marketing:campaign_preview", args=[shop.slug, campaign.pk]),
            {"language": language},
        )
        assert response.status_code == 200
        assert f'dir="{direction}"' in response.content.decode()
        assert "sandbox" in response["Content-Security-Policy"]

    bad = owner_client.post(
        reverse("marketing:campaign_test", args=[shop.slug, campaign.pk]),
        {"email": "not an address", "language": "fa"},
    )
    assert bad.status_code == 400
    assert smtp_server.messages == []
    owner_client.post(
        reverse("marketing:campaign_test", args=[shop.slug, campaign.pk]),
        {"email": "me@example.com", "language": "fa"},
    )
    [message] = smtp_server.messages
    assert str(message["Subject"]).startswith("[Test]")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not CampaignRecipient.objects.filter(campaign=campaign).exists()


def test_schedule_is_in_the_store_time_zone(
    owner_client: Any, shop: Any, subscribed: Callable[..., Any]
) -> None:
    from datetime import UTC, datetime

    subscribed(shop, "reader@example.com")
    campaign = _campaign(shop)
    past = owner_client.post(
        reverse("marketing:campaign_schedule", args=[shop.slug, campaign.pk]),
        {"send_at": "2001-01-01T10:00"},
    )
    assert past.status_code == 400
    response = owner_client.post(
        reverse("marketing:campaign_schedule", args=[shop.slug, campaign.pk]),
        {"send_at": "2099-06-01T10:00"},
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SCHEDULED
    # 10:00 in Riyadh (UTC+3) is 07:00 UTC.
    assert campaign.scheduled_for == datetime(2099, 6, 1, 7, 0, tzinfo=UTC)
    assert services.start_due_campaigns(datetime(2099, 6, 1, 6, 59, tzinfo=UTC))["started"] == 0
    assert services.start_due_campaigns(datetime(2099, 6, 1, 7, 0, tzinfo=UTC))["started"] == 1
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENDING
