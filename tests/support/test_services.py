"""Conversations as a gap-free, idempotent event log, and the writes around it."""

from __future__ import annotations

import threading
from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from PIL import Image

from dukkan.core.events import subscribe
from dukkan.support import events, selectors, services
from dukkan.support.models import ATTACHMENT_LIMIT, Conversation, ConversationEvent
from tests.support.conftest import Desk

published: list[Any] = []


@subscribe(events.MessagePosted)
def _remember_message(event: events.MessagePosted) -> None:
    published.append(event)


@subscribe(events.ConversationAssigned)
def _remember_assignment(event: events.ConversationAssigned) -> None:
    published.append(event)


@subscribe(events.ConversationStatusChanged)
def _remember_status(event: events.ConversationStatusChanged) -> None:
    published.append(event)


@pytest.fixture(autouse=True)
def _clear_published() -> None:
    published.clear()


def seqs(conversation: Conversation) -> list[int]:
    return list(conversation.events.order_by("seq").values_list("seq", flat=True))


@pytest.mark.django_db
def test_events_are_numbered_without_gaps_and_retries_return_the_original(desk: Desk) -> None:
    first = services.post_message(
        desk.conversation, author_kind="visitor", body="سلام", client_id="c-1"
    )
    retry = services.post_message(
        desk.conversation, author_kind="visitor", body="something else", client_id="c-1"
    )
    note = services.post_note(desk.conversation, author=desk.agent, body="یادداشت")
    reply = services.post_message(
        desk.conversation, author_kind="agent", author=desk.agent, body="<i>hi</i>", client_id="a-1"
    )
    assert first.created is True
    assert retry.created is False
    assert retry.event.pk == first.event.pk
    assert retry.event.body == "سلام"
    assert [first.event.seq, note.event.seq, reply.event.seq] == [1, 2, 3]
    assert seqs(desk.conversation) == [1, 2, 3]
    desk.conversation.refresh_from_db()
    assert desk.conversation.last_seq == 3
    assert desk.conversation.last_message_preview == "<i>hi</i>"
    assert desk.conversation.first_response_at is not None
    assert desk.conversation.unseen_since is None  # the reply read the visitor's message


@pytest.mark.django_db
def test_a_client_id_of_another_kind_is_a_conflict_not_a_leak(desk: Desk) -> None:
    services.post_note(desk.conversation, author=desk.agent, body="secret", client_id="same")
    with pytest.raises(ValidationError) as raised:
        services.post_message(desk.conversation, author_kind="visitor", body="x", client_id="same")
    assert raised.value.code == "client_id_conflict"
    assert "secret" not in str(raised.value)


@pytest.mark.django_db
def test_limits_and_bad_authors_are_refused_and_nothing_is_stored(
    desk: Desk, make_user: Any
) -> None:
    with pytest.raises(ValidationError) as too_long:
        services.post_message(desk.conversation, author_kind="visitor", body="x" * 10_001)
    assert too_long.value.code == "too_long"
    assert too_long.value.params == {"limit": 10_000}
    with pytest.raises(ValidationError) as empty:
        services.post_message(desk.conversation, author_kind="visitor", body=" \n ")
    assert empty.value.code == "empty"
    with pytest.raises(ValidationError) as outsider:
        services.post_message(
            desk.conversation, author_kind="agent", author=make_user(), body="I am not staff"
        )
    assert outsider.value.code == "forbidden"
    with pytest.raises(ValidationError):
        services.post_message(
            desk.conversation, author_kind="visitor", body="x", client_id="c" * 65
        )
    assert seqs(desk.conversation) == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_get_distinct_consecutive_numbers(desk: Desk) -> None:
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(10):
                services.post_message(
                    desk.conversation, author_kind="visitor", body=f"{n}-{i}", client_id=f"{n}-{i}"
                )
                # Every other one is retried at once, as a client that lost the ack would.
                if i % 2:
                    services.post_message(
                        desk.conversation, author_kind="visitor", body="dup", client_id=f"{n}-{i}"
                    )
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert seqs(desk.conversation) == list(range(1, 41))
    assert ConversationEvent.objects.filter(body="dup").count() == 0


@pytest.mark.django_db
def test_status_assignment_labels_and_priority_are_logged_events(
    desk: Desk, make_user: Any, make_store: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.assign(desk.conversation, desk.agent, actor=desk.owner)
        assert services.assign(desk.conversation, desk.agent, actor=desk.owner) is None
        services.snooze(desk.conversation, timezone.now() + timedelta(hours=2), actor=desk.agent)
        # A visitor's message wakes a snoozed conversation.
        services.post_message(desk.conversation, author_kind="visitor", body="هنوز اینجایید؟")
    desk.conversation.refresh_from_db()
    assert desk.conversation.status == "open"
    kinds = list(desk.conversation.events.order_by("seq").values_list("kind", "data"))
    assert kinds[0] == ("assignment", {"from": None, "to": desk.agent.pk, "to_name": "Ali"})
    assert kinds[1][0] == "status"
    assert kinds[2] == ("status", {"from": "snoozed", "to": "open", "reason": "visitor_message"})
    assert kinds[3][0] == "message"
    assert [type(e).__name__ for e in published] == [
        "ConversationAssigned",
        "ConversationStatusChanged",
        "ConversationStatusChanged",
        "MessagePosted",
    ]
    assert published[-1].author_kind == "visitor"
    assert published[-1].seq == 4

    with pytest.raises(ValidationError):
        services.assign(desk.conversation, make_user(), actor=desk.owner)  # not on the team
    label = services.create_label(desk.store, "بازپرداخت")
    foreign = services.create_label(make_store(), "refund")
    services.set_labels(desk.conversation, [label], actor=desk.agent)
    with pytest.raises(ValidationError):
        services.set_labels(desk.conversation, [foreign], actor=desk.agent)
    services.set_priority(desk.conversation, 3, actor=desk.agent)
    with pytest.raises(ValidationError):
        services.set_priority(desk.conversation, 9, actor=desk.agent)
    services.resolve(desk.conversation, actor=desk.agent)
    desk.conversation.refresh_from_db()
    assert desk.conversation.status == "resolved"
    assert desk.conversation.resolved_at is not None
    assert seqs(desk.conversation) == list(range(1, 8))


@pytest.mark.django_db
def test_snoozed_conversations_wake_when_their_time_comes(desk: Desk) -> None:
    services.snooze(desk.conversation, timezone.now() + timedelta(minutes=5))
    assert services.wake_snoozed(timezone.now()) == 0
    assert services.wake_snoozed(timezone.now() + timedelta(minutes=6)) == 1
    desk.conversation.refresh_from_db()
    assert desk.conversation.status == "open"
    with pytest.raises(ValidationError):
        services.snooze(desk.conversation, timezone.now() - timedelta(minutes=1))


@pytest.mark.django_db
def test_read_receipts_are_events_only_when_they_cover_the_other_sides_message(desk: Desk) -> None:
    services.post_message(desk.conversation, author_kind="visitor", body="one")
    services.post_message(desk.conversation, author_kind="visitor", body="two")
    desk.conversation.refresh_from_db()
    assert desk.conversation.unseen_since is not None
    receipt = services.mark_read(desk.conversation, side="agent", seq=1, user=desk.agent)
    assert receipt is not None
    assert receipt.data == {"side": "agent", "read_seq": 1}
    desk.conversation.refresh_from_db()
    assert desk.conversation.unseen_since is not None  # "two" is still unseen
    assert services.mark_read(desk.conversation, side="agent", seq=1, user=desk.agent) is None
    services.mark_read(desk.conversation, side="agent", seq=99, user=desk.agent)
    desk.conversation.refresh_from_db()
    assert desk.conversation.agent_read_seq == 3  # clamped to the head it was given at
    assert desk.conversation.unseen_since is None
    # The visitor reading only its own messages logs nothing.
    assert services.mark_read(desk.conversation, side="visitor", seq=2) is None
    assert services.mark_delivered(desk.conversation, side="visitor", seq=2) is False  # read = got
    assert services.mark_delivered(desk.conversation, side="visitor", seq=3) is True
    assert services.mark_delivered(desk.conversation, side="visitor", seq=1) is False
    assert services.mark_delivered(desk.conversation, side="visitor", seq=500) is False


def _png() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.django_db
def test_attachments_are_typed_by_their_bytes_and_limited_in_size(desk: Desk) -> None:
    disguised = services.save_attachment(
        desk.store, SimpleUploadedFile("receipt.pdf", _png()), visitor=desk.visitor
    )
    assert disguised.content_type == "image/png"
    assert disguised.name == "receipt.png"
    pdf = services.save_attachment(
        desk.store, SimpleUploadedFile("factor.png", b"%PDF-1.4\n%..."), user=desk.agent
    )
    assert pdf.content_type == "application/pdf"
    with pytest.raises(ValidationError) as script:
        services.save_attachment(
            desk.store,
            SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>"),
            visitor=desk.visitor,
        )
    assert script.value.code == "unsupported_type"
    with pytest.raises(ValidationError) as large:
        services.save_attachment(
            desk.store,
            SimpleUploadedFile("big.png", _png() + b"\0" * ATTACHMENT_LIMIT),
            visitor=desk.visitor,
        )
    assert large.value.code == "too_large"
    assert large.value.params == {"limit": ATTACHMENT_LIMIT}

    posted = services.post_message(
        desk.conversation, author_kind="visitor", body="", attachment=disguised
    )
    assert posted.event.attachment_id == disguised.pk
    assert "receipt.png" in posted.event.conversation.last_message_preview


@pytest.mark.django_db
def test_visitor_tokens_name_one_visitor_of_one_store(desk: Desk, make_store: Any) -> None:
    token = services.issue_visitor_token(desk.visitor)
    assert selectors.visitor_from_token(desk.store, token) == desk.visitor
    assert selectors.visitor_from_token(make_store(), token) is None
    forged = token[:-1] + ("B" if token.endswith("A") else "A")
    assert selectors.visitor_from_token(desk.store, forged) is None
    assert selectors.visitor_from_token(desk.store, "") is None


@pytest.mark.django_db
def test_identifying_a_visitor_links_the_stores_contact(desk: Desk) -> None:
    services.identify_visitor(desk.visitor, name="Sara Ahmadi", external_id="host-user-42")
    desk.visitor.refresh_from_db()
    assert desk.visitor.contact is not None
    assert desk.visitor.contact.external_id == "host-user-42"
    desk.conversation.refresh_from_db()
    assert desk.conversation.contact_id == desk.visitor.contact_id
    assert "sara ahmadi" in desk.conversation.search_text
