"""The unseen-message emails: to the team, then the owners, and replies to customers who left."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings
from django.utils import timezone

from dukkan.inbox.models import NoticeSent, NotificationSettings
from dukkan.inbox.notifications import send_due_notices
from dukkan.support import services as support
from dukkan.support.models import Conversation, ConversationEvent, Visitor
from tests.inbox.conftest import Shop

pytestmark = pytest.mark.django_db


def later(minutes: float) -> Any:
    return timezone.now() + timedelta(minutes=minutes)


def html_of(message: Any) -> str:
    return str(message.alternatives[0][0])


def test_unseen_customer_message_goes_to_the_team_then_the_owners_once(
    shop: Shop, customer_says: Callable[..., Any]
) -> None:
    customer_says(shop.store, "<b>أين</b> كتابي؟ <script>x()</script>", name="نورة")
    assert send_due_notices(later(4)).agent == 0
    assert mail.outbox == []
    outcome = send_due_notices(later(6))
    assert (outcome.agent, outcome.owner) == (1, 0)
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {shop.owner.email, shop.agent.email, shop.admin.email}
    arabic = by_recipient[shop.agent.email]
    assert "نورة" in arabic.subject
    assert "ينتظر" in arabic.subject  # the agent reads Arabic
    assert "is waiting for an answer" in by_recipient[shop.admin.email].subject  # English
    html = html_of(arabic)
    assert 'dir="rtl"' in html
    assert "&lt;b&gt;أين&lt;/b&gt;" in html
    assert "<script>x()</script>" not in html
    assert f"/ar/dashboard/{shop.store.slug}/inbox/c/" in html
    assert "<b>أين</b> كتابي؟" in arabic.body  # the text part is plain text
    assert send_due_notices(later(7)).agent == 0
    assert len(mail.outbox) == 3
    escalated = send_due_notices(later(31))
    assert (escalated.agent, escalated.owner) == (0, 1)
    assert [m.to for m in mail.outbox[3:]] == [[shop.owner.email]]
    assert send_due_notices(later(40)).owner == 0
    assert len(mail.outbox) == 4
    assert NoticeSent.objects.count() == 2


def test_assigned_conversation_notifies_only_the_assignee(
    shop: Shop, customer_says: Callable[..., Any]
) -> None:
    conversation = customer_says(shop.store, "hello?")
    support.assign(conversation, shop.admin, actor=shop.owner)
    send_due_notices(later(6))
    assert [m.to for m in mail.outbox] == [[shop.admin.email]]


def test_a_message_an_agent_has_read_sends_nothing(
    shop: Shop, customer_says: Callable[..., Any]
) -> None:
    conversation = customer_says(shop.store, "hello?")
    support.mark_read(conversation, side="agent", seq=conversation.last_seq, user=shop.agent)
    assert send_due_notices(later(60)).agent == 0
    assert mail.outbox == []


def test_a_later_unseen_message_after_a_reply_is_a_new_notice(
    shop: Shop, customer_says: Callable[..., Any]
) -> None:
    conversation = customer_says(shop.store, "first")
    support.post_message(conversation, author_kind="agent", author=shop.agent, body="answer")
    customer_says(shop.store, "second", conversation=conversation)
    send_due_notices(later(6))
    assert "second" in mail.outbox[0].body


def test_store_settings_are_followed(shop: Shop, customer_says: Callable[..., Any]) -> None:
    NotificationSettings.objects.create(store=shop.store, agent_emails=False, customer_emails=False)
    conversation = customer_says(shop.store, "hello?", email="noura@customers.example")
    support.post_message(conversation, author_kind="agent", author=shop.agent, body="hi")
    customer_says(shop.store, "anyone?", conversation=conversation)
    assert send_due_notices(later(120)) == send_due_notices(later(121))
    assert mail.outbox == []


def test_customer_who_left_gets_unseen_replies_once_in_their_language(
    shop: Shop, customer_says: Callable[..., Any]
) -> None:
    conversation = customer_says(
        shop.store, "سلام", name="سارا", email="sara@customers.example", language="fa"
    )
    Visitor.objects.filter(pk=conversation.visitor_id).update(
        page_url="https://host.example/help?topic=1"
    )
    support.post_message(
        conversation,
        author_kind="agent",
        author=shop.agent,
        body="<i>سلام</i> سارا، کتاب شما ارسال شد",
    )
    support.post_message(conversation, author_kind="agent", author=shop.agent, body="second line")
    assert send_due_notices(later(9)).customer == 0
    assert send_due_notices(later(11)).customer == 1
    [message] = [m for m in mail.outbox if m.to == ["sara@customers.example"]]
    assert "پاسخ" in message.subject  # Persian
    html = html_of(message)
    assert 'dir="rtl"' in html
    assert "&lt;i&gt;سلام&lt;/i&gt;" in html
    assert "second line" in html
    assert "https://host.example/help?topic=1&amp;chat=open" in html
    assert "https://host.example/help?topic=1&chat=open" in message.body
    assert send_due_notices(later(20)).customer == 0
    # A new reply is a new batch: one more email, with only the new reply.
    support.post_message(conversation, author_kind="agent", author=shop.agent, body="third")
    assert send_due_notices(later(40)).customer == 1
    last = [m for m in mail.outbox if m.to == ["sara@customers.example"]][-1]
    assert "third" in last.body
    assert "second line" not in last.body


def test_customer_who_read_is_present_or_gave_no_email_gets_nothing(
    shop: Shop, customer_says: Callable[..., Any]
) -> None:
    read = customer_says(shop.store, "hi", email="a@customers.example")
    support.post_message(read, author_kind="agent", author=shop.agent, body="answer")
    support.mark_read(read, side="visitor", seq=read.last_seq + 1)
    anonymous = customer_says(shop.store, "hi")
    support.post_message(anonymous, author_kind="agent", author=shop.agent, body="answer")
    present = customer_says(shop.store, "hi", email="b@customers.example")
    support.post_message(present, author_kind="agent", author=shop.agent, body="answer")
    Visitor.objects.filter(pk=present.visitor_id).update(last_seen_at=later(15))
    assert send_due_notices(later(15)).customer == 0
    assert [m for m in mail.outbox if m.to[0].endswith("@customers.example")] == []
    back_link_store = customer_says(shop.store, "hi", email="c@customers.example", language="en")
    support.post_message(back_link_store, author_kind="agent", author=shop.agent, body="answer")
    send_due_notices(later(30))
    [message] = [m for m in mail.outbox if m.to == ["c@customers.example"]]
    assert f"/en/s/{shop.store.slug}/?chat=open" in message.body


def test_two_runs_at_once_send_once(shop: Shop, customer_says: Callable[..., Any]) -> None:
    """The record is made before sending, under a unique constraint: a second pass finds it."""
    customer_says(shop.store, "hello?")
    first = send_due_notices(later(6))
    second = send_due_notices(later(6))
    assert (first.agent, second.agent) == (1, 0)


@pytest.mark.django_db(transaction=True)
def test_the_periodic_job_is_registered_and_runs_from_the_queue(
    shop: Shop, customer_says: Callable[..., Any]
) -> None:
    from dukkan.core.periodic import Scheduler, jobs
    from tests.inbox.conftest import run_queued_tasks

    assert jobs()["inbox.send_due_notices"].schedule == "* * * * *"
    conversation = customer_says(shop.store, "hello?")
    ConversationEvent.objects.filter(conversation=conversation).update(
        created_at=timezone.now() - timedelta(minutes=6)
    )
    Conversation.objects.filter(pk=conversation.pk).update(
        unseen_since=timezone.now() - timedelta(minutes=6)
    )
    assert "inbox.send_due_notices" in Scheduler("pytest").tick()
    run_queued_tasks()
    waiting = [m for m in mail.outbox if "hello?" in m.body]  # not the team's welcome mails
    assert sorted(m.to[0] for m in waiting) == sorted(
        [shop.owner.email, shop.agent.email, shop.admin.email]
    )


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down: every send fails."""

    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("mail server down")


def test_a_notice_that_could_not_be_sent_is_tried_again(
    shop: Shop, customer_says: Callable[..., Any]
) -> None:
    customer_says(shop.store, "hello?")
    with override_settings(EMAIL_BACKEND="tests.inbox.test_notifications.RefusingBackend"):
        assert send_due_notices(later(6)).agent == 0  # logged, not recorded
    assert not NoticeSent.objects.exists()
    assert send_due_notices(later(7)).agent == 1
    assert len(mail.outbox) == 3
