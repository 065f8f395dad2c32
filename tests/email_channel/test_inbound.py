"""Raw mail to conversation messages: stored first, threaded, cleaned; bad input kept and
explained, never crashing and never looping."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dukkan.email_channel import services
from dukkan.email_channel.models import (
    InboundMessage,
    InboundStatus,
    OutboundKind,
    OutboundMessage,
    OutboundStatus,
    SupportAddress,
)
from dukkan.support import selectors as support_selectors
from dukkan.support.models import Attachment, Conversation, ConversationEvent
from tests.email_channel.conftest import big_mail, corpus, mail

pytestmark = pytest.mark.django_db


def messages(conversation: Conversation) -> list[ConversationEvent]:
    return list(
        ConversationEvent.objects.filter(conversation=conversation, kind="message").order_by("seq")
    )


def test_new_mail_starts_an_email_conversation(shop: Any) -> None:
    (row,) = services.receive(mail(), source="smtp", recipients=["support@cedar.example"])
    assert row.status == InboundStatus.POSTED, row.reason
    conversation = Conversation.objects.get(pk=row.conversation_id)
    assert conversation.channel == "email"
    assert conversation.subject == "Help with my order"
    assert conversation.visitor.email == "dana@customers.example"
    (message,) = messages(conversation)
    assert message.body == "Hello, my download link does not open."
    assert message.author_kind == "visitor"
    assert bytes(row.raw).startswith(b"From: dana@customers.example")


def test_recipients_from_headers_and_unknown_addresses(shop: Any) -> None:
    assert services.receive(mail(to="nobody@cedar.example"), source="imap") == []
    (row,) = services.receive(mail(), source="imap")  # To: header decides
    assert row.store == shop


def test_reply_threads_by_in_reply_to_of_our_mail(shop: Any, make_user: Any) -> None:
    (first,) = services.receive(mail(), source="smtp")
    conversation = Conversation.objects.get(pk=first.conversation_id)
    sent = OutboundMessage.objects.create(
        store=shop,
        conversation_id=conversation.pk,
        kind=OutboundKind.REPLY,
        message_id="<dukkan.sent-1@cedar.example>",
        recipient="dana@customers.example",
        status=OutboundStatus.SENT,
    )
    raw = corpus("en_gmail_reply.eml")
    (reply,) = services.receive(raw, source="smtp", recipients=["support@cedar.example"])
    assert reply.conversation_id == conversation.pk, reply.reason
    assert messages(conversation)[-1].body == "Thanks, the licence works now."
    assert "ABCD-1234" in reply.quoted
    assert sent.message_id[1:-1] in raw.decode()


def test_reply_threads_by_references_to_a_received_mail(shop: Any) -> None:
    (first,) = services.receive(
        mail(headers={"Message-ID": "<q1@customers.example>"}), source="smtp"
    )
    follow = mail(subject="Another thing", headers={"References": "<q1@customers.example>"})
    (second,) = services.receive(follow, source="smtp")
    assert second.conversation_id == first.conversation_id


def test_reply_token_threads_when_headers_are_gone(shop: Any) -> None:
    (first,) = services.receive(mail(), source="smtp")
    conversation = Conversation.objects.get(pk=first.conversation_id)
    address = services.reply_address(conversation)
    assert address.startswith("support+c")
    assert address.endswith("@cedar.example")
    (second,) = services.receive(
        mail(subject="totally different", to=address), source="smtp", recipients=[address]
    )
    assert second.conversation_id == conversation.pk


def test_forged_or_foreign_tokens_do_not_thread(shop: Any, warraq: Any) -> None:
    (first,) = services.receive(mail(), source="smtp")
    conversation = Conversation.objects.get(pk=first.conversation_id)
    token = services.reply_token(conversation)
    forged = f"support+{token[:-1]}{'0' if token[-1] != '0' else '1'}@cedar.example"
    (second,) = services.receive(mail(subject="x", to=forged), source="smtp", recipients=[forged])
    assert second.conversation_id != conversation.pk
    # The same token at another store's address names nothing there.
    moved = f"support+{token}@alwarraq.example"
    (third,) = services.receive(mail(subject="y", to=moved), source="smtp", recipients=[moved])
    assert third.store == warraq
    assert third.conversation_id != conversation.pk


def test_new_subject_from_a_known_contact_opens_a_new_conversation(shop: Any) -> None:
    (first,) = services.receive(mail(subject="Order 1"), source="smtp")
    (again,) = services.receive(mail(subject="Re: Order 1"), source="smtp")
    (other,) = services.receive(mail(subject="Order 2"), source="smtp")
    assert again.conversation_id == first.conversation_id
    assert other.conversation_id != first.conversation_id
    first_visitor = Conversation.objects.get(pk=first.conversation_id).visitor_id
    assert Conversation.objects.get(pk=other.conversation_id).visitor_id == first_visitor


def test_someone_else_answering_a_forwarded_thread_starts_their_own(shop: Any) -> None:
    (first,) = services.receive(
        mail(headers={"Message-ID": "<f1@customers.example>"}), source="smtp"
    )
    stranger = mail(
        sender="eve@elsewhere.example", headers={"In-Reply-To": "<f1@customers.example>"}
    )
    (second,) = services.receive(stranger, source="smtp")
    assert second.conversation_id != first.conversation_id


def test_arabic_and_persian_mail(warraq: Any, afzoon: Any) -> None:
    (ar,) = services.receive(corpus("ar_outlook_cp1256.eml"), source="smtp")
    conversation = Conversation.objects.get(pk=ar.conversation_id)
    assert conversation.subject == "مشكلة في التحميل"
    assert conversation.language == "ar"
    assert messages(conversation)[0].body.startswith("شكراً لكم")
    (fa,) = services.receive(corpus("fa_thunderbird_html_only.eml"), source="smtp")
    assert fa.status == InboundStatus.POSTED
    assert messages(Conversation.objects.get(pk=fa.conversation_id))[0].body == "ممنون، مشکل حل شد."
    assert "<script" not in fa.html
    assert "ممنون" in fa.html


def test_attachments_and_inline_images_become_attachments(shop: Any) -> None:
    (row,) = services.receive(corpus("en_outlook_html_attachments.eml"), source="smtp")
    events = messages(Conversation.objects.get(pk=row.conversation_id))
    assert [e.attachment.content_type for e in events if e.attachment] == [
        "application/pdf",
        "image/png",
    ]
    assert events[0].body == "Please see the attached invoice and screenshot"
    assert Attachment.objects.filter(conversation_id=row.conversation_id).count() == 2


def test_processing_twice_never_duplicates(shop: Any) -> None:
    raw = mail(headers={"Message-ID": "<dup@customers.example>"})
    (first,) = services.receive(raw, source="imap")
    (again,) = services.receive(raw, source="imap")
    assert again.status == InboundStatus.IGNORED
    assert "duplicate" in again.reason
    services.retry(first)  # posted already: nothing happens
    assert len(messages(Conversation.objects.get(pk=first.conversation_id))) == 1


# Bad input ---------------------------------------------------------------------------------------


def test_malformed_mime_is_kept_and_still_read(shop: Any) -> None:
    (row,) = services.receive(
        corpus("malformed.eml"), source="smtp", recipients=["support@cedar.example"]
    )
    assert row.status == InboundStatus.POSTED
    assert (
        "Still readable text" in messages(Conversation.objects.get(pk=row.conversation_id))[0].body
    )
    assert "CloseBoundaryNotFoundDefect" in row.reason


def test_unknown_charset_is_read_with_a_fallback(shop: Any) -> None:
    (row,) = services.receive(
        corpus("unknown_charset.eml"), source="smtp", recipients=["support@cedar.example"]
    )
    assert row.status == InboundStatus.POSTED
    assert "unknown charset" in row.reason
    assert messages(Conversation.objects.get(pk=row.conversation_id))[0].body == "Hello سلام"


def test_no_from_fails_visibly_and_keeps_the_raw(shop: Any) -> None:
    raw = corpus("no_from.eml")
    (row,) = services.receive(raw, source="smtp", recipients=["support@cedar.example"])
    assert row.status == InboundStatus.FAILED
    assert row.reason == "no sender (From) address"
    assert bytes(InboundMessage.objects.get(pk=row.pk).raw) == raw
    assert not Conversation.objects.filter(store=shop).exists()


def test_a_50_mb_attachment_is_kept_raw_but_not_attached(shop: Any) -> None:
    raw = big_mail(50)
    (row,) = services.receive(raw, source="smtp", recipients=["support@cedar.example"])
    assert row.status == InboundStatus.POSTED
    assert "scan.pdf: A file may be at most 10 MB." in row.reason
    assert InboundMessage.objects.get(pk=row.pk).size == len(raw)
    (event,) = messages(Conversation.objects.get(pk=row.conversation_id))
    assert event.body == "The scan is attached."
    assert event.attachment is None


def test_over_the_size_limit_is_refused_but_kept(shop: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "MAX_MESSAGE_SIZE", 1000)
    (row,) = services.receive(
        mail(body="x" * 2000), source="smtp", recipients=["support@cedar.example"]
    )
    assert row.status == InboundStatus.FAILED
    assert row.reason == "too large"
    assert len(bytes(row.raw)) > 1000


def test_auto_responder_loop_is_broken(shop: Any, django_capture_on_commit_callbacks: Any) -> None:
    SupportAddress.objects.filter(store=shop).update(acknowledge=True)
    with django_capture_on_commit_callbacks(execute=True):
        (_first,) = services.receive(mail(), source="smtp")
    assert OutboundMessage.objects.filter(kind=OutboundKind.ACK).count() == 1
    # The customer's auto-responder answers our acknowledgement, again and again.
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            services.receive(
                corpus("en_autoreply.eml").replace(b"ooo-1", f"ooo-{n}".encode()), source="smtp"
            )
    assert OutboundMessage.objects.filter(kind=OutboundKind.ACK).count() == 1
    # Mail from our own address (a loop through a forwarder) is never posted.
    (own,) = services.receive(mail(sender="support@cedar.example"), source="smtp")
    assert own.status == InboundStatus.IGNORED
    assert "sent from" in own.reason


def test_acknowledgement_is_sent_once_per_thread(
    shop: Any, django_capture_on_commit_callbacks: Any
) -> None:
    SupportAddress.objects.filter(store=shop).update(acknowledge=True)
    with django_capture_on_commit_callbacks(execute=True):
        (first,) = services.receive(mail(subject="Q"), source="smtp")
        services.receive(mail(subject="Re: Q"), source="smtp")
    acks = OutboundMessage.objects.filter(kind=OutboundKind.ACK)
    assert [a.conversation_id for a in acks] == [first.conversation_id]


def test_per_sender_rate_limit(shop: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "RATE_LIMIT", 3)
    rows = [services.receive(mail(subject=f"s{n}"), source="smtp")[0] for n in range(5)]
    assert [r.status for r in rows] == ["posted"] * 3 + ["ignored"] * 2
    assert rows[-1].reason == "sender over the rate limit"
    other = services.receive(mail(sender="sara@customers.example"), source="smtp")[0]
    assert other.status == "posted"


def test_bounce_marks_the_sent_mail(shop: Any) -> None:
    (first,) = services.receive(mail(), source="smtp")
    sent = OutboundMessage.objects.create(
        store=shop,
        conversation_id=first.conversation_id,
        kind=OutboundKind.REPLY,
        message_id="<dukkan.bounced-1@cedar.example>",
        recipient="gone@customers.example",
        status=OutboundStatus.SENT,
    )
    (report,) = services.receive(
        corpus("dsn_bounce.eml"), source="smtp", recipients=["support@cedar.example"]
    )
    assert report.status == InboundStatus.IGNORED
    assert report.reason.startswith("delivery report for 1")
    sent.refresh_from_db()
    assert sent.status == OutboundStatus.BOUNCED
    assert "User unknown" in sent.error
    assert len(messages(Conversation.objects.get(pk=first.conversation_id))) == 1


def test_failed_parse_can_be_retried(shop: Any, monkeypatch: Any) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(services, "_thread", broken)
    (row,) = services.receive(mail(), source="smtp")
    assert row.status == InboundStatus.FAILED
    assert "database hiccup" in row.reason
    assert not Conversation.objects.filter(store=shop).exists()  # nothing half-written
    monkeypatch.undo()
    row = services.retry(InboundMessage.objects.get(pk=row.pk))
    assert row.status == InboundStatus.POSTED
    assert row.attempts == 2


def test_agent_answers_a_notification_by_mail(shop: Any, make_user: Any) -> None:
    from dukkan.accounts.services import add_member

    agent = make_user("omar@cedar.example")
    add_member(store=shop, user=agent, role="agent")
    (first,) = services.receive(mail(), source="smtp")
    conversation = Conversation.objects.get(pk=first.conversation_id)
    address = services.reply_address(conversation, agent)
    (reply,) = services.receive(
        mail(sender="omar@cedar.example", to=address, subject="Re: x", body="We sent a new link."),
        source="smtp",
        recipients=[address],
    )
    last = messages(conversation)[-1]
    assert reply.conversation_id == conversation.pk
    assert last.author_kind == "agent"
    assert last.author == agent
    assert last.body == "We sent a new link."
    # The same address from anyone else is not taken as the agent.
    (spoof,) = services.receive(
        mail(sender="eve@elsewhere.example", to=address, body="I am the agent"),
        source="smtp",
        recipients=[address],
    )
    assert spoof.conversation_id != conversation.pk
    assert support_selectors is not None


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=st.binary(max_size=600), header=st.binary(max_size=120))
def test_arbitrary_mail_is_always_kept_and_never_crashes(
    shop: Any, body: bytes, header: bytes
) -> None:
    raw = b"To: support@cedar.example\r\n" + header + b"\r\n\r\n" + body
    (row,) = services.receive(raw, source="smtp", recipients=["support@cedar.example"])
    stored = InboundMessage.objects.get(pk=row.pk)
    assert bytes(stored.raw) == raw
    assert stored.status in {"posted", "failed", "ignored"}
    assert stored.status == "posted" or stored.reason
