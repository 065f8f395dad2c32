"""Newsletter mail coming back through the support inbox: the List-Unsubscribe mailto: and
delivery reports about campaign mail go to marketing, never into a support conversation."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from dukkan.email_channel import services
from dukkan.email_channel.models import InboundStatus
from dukkan.marketing import services as marketing
from dukkan.marketing.mail import unsubscribe_mailto, unsubscribe_url
from dukkan.marketing.models import (
    Campaign,
    CampaignRecipient,
    RecipientStatus,
    Source,
    SubscriberStatus,
)
from dukkan.support.models import Conversation
from tests.email_channel.conftest import corpus


def _unsubscribe_mail(to: str, subject: str) -> bytes:
    return (
        (
            f"From: Reader <reader@customers.example>\r\nTo: {to}\r\nSubject: {subject}\r\n"
            "Message-ID: <unsub-{0}@customers.example>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\nThis message was sent by my mail app.\r\n"
        )
        .replace("{0}", str(abs(hash(subject))))
        .encode()
    )


def test_the_mailto_unsubscribe_unsubscribes_and_opens_no_conversation(shop: Any) -> None:
    settings_row = marketing.mailing_settings(shop)
    settings_row.reply_to = "support@cedar.example"
    settings_row.save()
    subscriber = marketing.subscribe(
        shop,
        "reader@customers.example",
        source=Source.DASHBOARD,
        language="en",
        confirmed_already=True,
    ).subscriber
    mailto = unsubscribe_mailto(shop, settings_row, unsubscribe_url(shop, subscriber.pk, None))
    address, query = mailto.removeprefix("mailto:").split("?", 1)
    assert address == "support@cedar.example"
    subject = unquote(query.removeprefix("subject="))

    # A damaged token unsubscribes nobody; the mail is an ordinary support mail then.
    (damaged,) = services.receive(_unsubscribe_mail(address, subject[:-3] + "xyz"), source="smtp")
    assert damaged.status == InboundStatus.POSTED
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.SUBSCRIBED

    (row,) = services.receive(_unsubscribe_mail(address, subject), source="smtp")
    assert row.status == InboundStatus.IGNORED
    assert row.reason == "newsletter unsubscribe request"
    assert row.conversation_id is None
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert Conversation.objects.filter(store=shop).count() == 1  # the damaged one's only


def test_a_bounce_of_campaign_mail_marks_the_recipient_bounced(shop: Any) -> None:
    subscriber = marketing.subscribe(
        shop,
        "gone@customers.example",
        source=Source.DASHBOARD,
        language="en",
        confirmed_already=True,
    ).subscriber
    campaign = Campaign.objects.create(store=shop, subject="News", body="Hello", language="en")
    recipient = CampaignRecipient.objects.create(
        store=shop,
        campaign=campaign,
        subscriber=subscriber,
        email=subscriber.email,
        status=RecipientStatus.SENT,
        # The DSN in the corpus names this Message-ID.
        message_id="<dukkan.bounced-1@cedar.example>",
    )
    (report,) = services.receive(
        corpus("dsn_bounce.eml"), source="smtp", recipients=["support@cedar.example"]
    )
    assert report.status == InboundStatus.IGNORED
    assert report.reason.startswith("delivery report for 1")
    recipient.refresh_from_db()
    assert recipient.status == RecipientStatus.BOUNCED
    assert "User unknown" in recipient.error
    assert not Conversation.objects.filter(store=shop).exists()
