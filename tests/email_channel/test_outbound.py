"""Agent replies to email conversations go out by SMTP (captured by a real aiosmtpd server),
threaded and answerable; failures are retried with back-off and shown on the message."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dukkan.accounts.services import add_member
from dukkan.email_channel import services
from dukkan.email_channel.models import OutboundMessage, OutboundStatus
from dukkan.support import services as support
from dukkan.support.models import Conversation
from tests.conftest import PASSWORD
from tests.email_channel.conftest import Sink, mail, run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(shop: Any, make_user: Any) -> Any:
    user = make_user("omar@cedar.example")
    add_member(store=shop, user=user, role="agent")
    return user


def _conversation(raw: bytes, capture: Any) -> Conversation:
    with capture(execute=True):
        (row,) = services.receive(raw, source="smtp")
    return Conversation.objects.get(pk=row.conversation_id)


def test_agent_reply_goes_out_threaded(
    shop: Any, agent: Any, sink: Sink, django_capture_on_commit_callbacks: Any
) -> None:
    conversation = _conversation(
        mail(subject="Where is my key?", headers={"Message-ID": "<k1@customers.example>"}),
        django_capture_on_commit_callbacks,
    )
    with django_capture_on_commit_callbacks(execute=True):
        support.post_message(
            conversation, author_kind="agent", author=agent, body="Here it is: K-1"
        )
    run_queued_tasks()
    (sent,) = sink.messages_to("dana@customers.example")
    assert sent["Subject"] == "Re: Where is my key?"
    assert sent["From"] == "Cedar Apps Support <support@cedar.example>"
    assert sent["In-Reply-To"] == "<k1@customers.example>"
    assert sent["References"] == "<k1@customers.example>"
    assert sent["Reply-To"] == services.reply_address(conversation)
    assert sent.get_body(("plain",)).get_content().startswith("Here it is: K-1")
    assert 'dir="ltr"' in sent.get_body(("html",)).get_content()
    outbound = OutboundMessage.objects.get(conversation_id=conversation.pk)
    assert outbound.status == OutboundStatus.SENT
    assert sent["Message-ID"] == outbound.message_id
    # The customer's reply to it threads by In-Reply-To and lands in the same conversation.
    answer = mail(subject="Re: Where is my key?", headers={"In-Reply-To": outbound.message_id})
    (row,) = services.receive(answer, source="smtp")
    assert row.conversation_id == conversation.pk


def test_arabic_reply_is_right_to_left_with_its_attachment(
    warraq: Any, make_user: Any, sink: Sink, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    agent = make_user("huda@alwarraq.example")
    add_member(store=warraq, user=agent, role="agent")
    conversation = _conversation(
        mail(to="support@alwarraq.example", subject="رد: طلب", body="أين الكتاب؟"),
        django_capture_on_commit_callbacks,
    )
    pdf = support.save_attachment(
        warraq, SimpleUploadedFile("فاتورة.pdf", b"%PDF-1.4 test"), user=agent
    )
    with django_capture_on_commit_callbacks(execute=True):
        support.post_message(
            conversation, author_kind="agent", author=agent, body="تفضّل الفاتورة", attachment=pdf
        )
    run_queued_tasks()
    (sent,) = sink.messages_to("dana@customers.example")
    html = sent.get_body(("html",)).get_content()
    assert 'dir="rtl"' in html
    assert 'lang="ar"' in html
    assert "تفضّل الفاتورة" in html
    (attached,) = list(sent.iter_attachments())
    assert attached.get_content_type() == "application/pdf"
    assert attached.get_content() == b"%PDF-1.4 test"


def test_chat_conversations_are_not_mailed_each_reply(
    shop: Any, agent: Any, sink: Sink, django_capture_on_commit_callbacks: Any
) -> None:
    visitor = support.create_visitor(shop, email="dana@customers.example")
    conversation = support.start_conversation(visitor)
    with django_capture_on_commit_callbacks(execute=True):
        support.post_message(conversation, author_kind="agent", author=agent, body="Hi")
    run_queued_tasks()
    assert sink.received == []


def test_temporary_failure_is_retried_then_permanent_failure_shows(
    shop: Any, agent: Any, sink: Sink, django_capture_on_commit_callbacks: Any, client: Client
) -> None:
    conversation = _conversation(mail(), django_capture_on_commit_callbacks)
    sink.reply = "451 4.3.0 Try again later"
    with django_capture_on_commit_callbacks(execute=True):
        posted = support.post_message(conversation, author_kind="agent", author=agent, body="Reply")
    run_queued_tasks()
    outbound = OutboundMessage.objects.get(conversation_id=conversation.pk)
    assert outbound.status == OutboundStatus.RETRYING
    assert outbound.attempts == 1
    assert "451" in outbound.error
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.run_after > timezone.now()  # backed off, not run at once
    # Later the server refuses for good: the retry marks it failed, with the reason.
    sink.reply = "550 5.1.1 No such user"
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_queued_tasks()
    outbound.refresh_from_db()
    assert outbound.status == OutboundStatus.FAILED
    assert "550" in outbound.error
    assert outbound.attempts == 2
    # The inbox shows it on the message.
    client.login(email=agent.email, password=PASSWORD)
    page = client.get(
        reverse(
            "inbox:conversation",
            kwargs={"store_slug": shop.slug, "conversation_id": conversation.pk},
        )
    )
    html = page.content.decode()
    assert 'data-role="mail-status" data-status="failed"' in html
    assert "No such user" in html
    assert posted.event.pk == outbound.event_id


def test_unreachable_server_is_retried(
    shop: Any, agent: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from tests.email_channel.conftest import PORTS
    from tests.processes import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        free_port(PORTS),
        2,
    )
    conversation = _conversation(mail(), django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        support.post_message(conversation, author_kind="agent", author=agent, body="Reply")
    run_queued_tasks()
    outbound = OutboundMessage.objects.get(conversation_id=conversation.pk)
    assert outbound.status == OutboundStatus.RETRYING
    assert "ConnectionRefused" in outbound.error
