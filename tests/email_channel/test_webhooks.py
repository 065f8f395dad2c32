"""Mailgun's inbound webhook (HMAC of timestamp and token with the signing key) and
Postmark's (no signature: a secret URL token, or basic auth with it)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import pytest
from django.test import Client

from dukkan.email_channel.models import InboundMessage, SupportAddress
from dukkan.support.models import ConversationEvent
from tests.email_channel.conftest import corpus, mail

pytestmark = pytest.mark.django_db
KEY = "key-mailgun-signing-secret"


@pytest.fixture
def address(shop: Any) -> SupportAddress:
    found = SupportAddress.objects.get(store=shop)
    found.mailgun_signing_key = KEY
    found.save()
    return found


def _signed(
    raw: bytes, *, timestamp: int | None = None, token: str = "tok-1", key: str = KEY
) -> dict[str, str]:
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    signature = hmac.new(key.encode(), (stamp + token).encode(), hashlib.sha256).hexdigest()
    return {
        "recipient": "support@cedar.example",
        "sender": "dana@customers.example",
        "timestamp": stamp,
        "token": token,
        "signature": signature,
        "body-mime": raw.decode(),
    }


def test_mailgun_signed_mail_is_stored_and_posted(address: SupportAddress, client: Client) -> None:
    response = client.post("/inbound-mail/mailgun/", _signed(mail(body="via mailgun")))
    assert response.status_code == 200, response.content
    (row,) = InboundMessage.objects.all()
    assert row.source == "mailgun"
    assert row.status == "posted"
    assert ConversationEvent.objects.get(kind="message").body == "via mailgun"


@pytest.mark.parametrize(
    ("change", "status", "error"),
    [
        ({"signature": "0" * 64}, 403, "bad signature"),
        ({"recipient": "nobody@elsewhere.example"}, 406, "unknown recipient"),
        ({"body-mime": ""}, 400, "no body-mime"),
    ],
)
def test_mailgun_bad_requests(
    address: SupportAddress, client: Client, change: dict[str, str], status: int, error: str
) -> None:
    response = client.post("/inbound-mail/mailgun/", {**_signed(mail()), **change})
    assert response.status_code == status
    assert error in response.json()["error"]
    assert not InboundMessage.objects.exists()


def test_mailgun_stale_and_replayed(address: SupportAddress, client: Client) -> None:
    stale = _signed(mail(), timestamp=int(time.time()) - 3600, token="old")
    assert client.post("/inbound-mail/mailgun/", stale).json()["error"] == "stale timestamp"
    fresh = _signed(mail(), token="once")
    assert client.post("/inbound-mail/mailgun/", fresh).status_code == 200
    assert client.post("/inbound-mail/mailgun/", fresh).json()["error"] == "replayed token"
    assert InboundMessage.objects.count() == 1


def test_mailgun_without_a_signing_key_accepts_nothing(shop: Any, client: Client) -> None:
    response = client.post("/inbound-mail/mailgun/", _signed(mail(), key=""))
    assert response.status_code == 403


def test_postmark_raw_email_by_secret_url(address: SupportAddress, client: Client) -> None:
    payload = {
        "RawEmail": corpus("ar_outlook_cp1256.eml").decode("ascii"),
        "OriginalRecipient": "support@cedar.example",
    }
    response = client.post(
        f"/inbound-mail/postmark/{address.webhook_token}/",
        json.dumps(payload),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert ConversationEvent.objects.get(kind="message").body.startswith("شكراً لكم")


def test_postmark_json_fields_with_basic_auth(address: SupportAddress, client: Client) -> None:
    payload = {
        "From": "Sara <sara@customers.example>",
        "To": "support@cedar.example",
        "Subject": "Re: سؤال",
        "TextBody": "جواب سريع\n\nOn Mon, Support <support@cedar.example> wrote:\n> old",
        "HtmlBody": "<p>جواب سريع</p>",
        "Headers": [{"Name": "Message-ID", "Value": "<pm-1@customers.example>"}],
        "Attachments": [
            {
                "Name": "a.png",
                "ContentType": "image/png",
                "Content": base64.b64encode(
                    bytes.fromhex("89504e470d0a1a0a") + b"\0" * 20
                ).decode(),
            }
        ],
    }
    auth = "Basic " + base64.b64encode(f"dukkan:{address.webhook_token}".encode()).decode()
    response = client.post(
        "/inbound-mail/postmark/",
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert response.status_code == 200, response.content
    row = InboundMessage.objects.get()
    assert row.message_id == "pm-1@customers.example"
    assert row.sender == "sara@customers.example"
    event = ConversationEvent.objects.get(kind="message")
    assert event.body == "جواب سريع"
    assert event.attachment.content_type == "image/png"


@pytest.mark.parametrize(
    ("url", "body", "status"),
    [
        ("/inbound-mail/postmark/not-the-token/", "{}", 403),
        ("/inbound-mail/postmark/", "{}", 403),
        ("TOKEN", "not json", 400),
        ("TOKEN", "[1, 2]", 400),
    ],
)
def test_postmark_bad_requests(
    address: SupportAddress, client: Client, url: str, body: str, status: int
) -> None:
    url = url.replace("TOKEN", f"/inbound-mail/postmark/{address.webhook_token}/")
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == status
    assert not InboundMessage.objects.exists()
