"""Inbox lists, counts, search with Arabic/Persian spelling variants, replay and figures."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from dukkan.support import selectors, services
from dukkan.support.models import Conversation
from tests.support.conftest import Desk


@pytest.mark.django_db
def test_lists_filter_by_view_status_label_and_channel_and_counts_add_up(desk: Desk) -> None:
    other_visitor = services.create_visitor(desk.store, name="Noura")
    second = services.start_conversation(other_visitor, channel="storefront")
    third = services.start_conversation(services.create_visitor(desk.store))
    services.assign(second, desk.agent)
    services.resolve(third)
    label = services.create_label(desk.store, "VIP")
    services.add_label(second, label)

    def ids(**filters: Any) -> set[int]:
        return {
            c.pk
            for c in selectors.conversations(
                desk.store, desk.agent, selectors.ListFilter(**filters)
            )
        }

    assert ids() == {desk.conversation.pk, second.pk}
    assert ids(view="mine") == {second.pk}
    assert ids(view="unassigned") == {desk.conversation.pk}
    assert ids(status="resolved") == {third.pk}
    assert ids(status="", label=label.pk) == {second.pk}
    assert ids(status="", channel="storefront") == {second.pk}
    counts = selectors.counts(desk.store, desk.agent)
    assert counts == {
        "open": 2,
        "pending": 0,
        "snoozed": 0,
        "resolved": 1,
        "mine": 1,
        "unassigned": 1,
        "unread": 0,
    }
    services.post_message(desk.conversation, author_kind="visitor", body="?")
    assert selectors.counts(desk.store, desk.agent)["unread"] == 1


@pytest.mark.django_db
def test_search_matches_spelling_variants_in_messages_notes_and_contacts(
    desk: Desk, make_store: Any
) -> None:
    services.post_message(desk.conversation, author_kind="visitor", body="كيف أحمّل الكتاب؟")
    other = services.start_conversation(services.create_visitor(desk.store, name="علی رضایی"))
    services.post_note(other, author=desk.agent, body="مشتری ویژه")
    foreign_visitor = services.create_visitor(make_store(), name="کیف")
    services.post_message(
        services.start_conversation(foreign_visitor), author_kind="visitor", body="کیف"
    )

    def found(query: str) -> set[int]:
        return set(selectors.search(desk.store, query).values_list("pk", flat=True))

    assert found("کیف احمل") == {desk.conversation.pk}  # keheh/yeh, hamza and shadda
    assert found("الكتاب") == {desk.conversation.pk}
    assert found("علي رضايي") == {other.pk}  # Arabic yeh for Persian yeh
    assert found("مشتري") == {other.pk}  # notes too
    assert found("SARA@customers") == {desk.conversation.pk}  # contact email, any case
    assert found("nothing-like-this") == set()


@pytest.mark.django_db
def test_visitors_replay_never_includes_notes(desk: Desk) -> None:
    services.post_message(desk.conversation, author_kind="visitor", body="a")
    services.post_note(desk.conversation, author=desk.agent, body="internal")
    services.post_message(desk.conversation, author_kind="agent", author=desk.agent, body="b")
    assert [e.seq for e in selectors.events_after(desk.conversation, 0)] == [1, 2, 3]
    assert [e.seq for e in selectors.events_after(desk.conversation, 1)] == [2, 3]
    visible = selectors.events_after(desk.conversation, 0, for_visitor=True)
    assert [e.body for e in visible] == ["a", "b"]
    assert (
        selectors.conversation_for_visitor(
            services.create_visitor(desk.store), desk.conversation.pk
        )
        is None
    )
    assert selectors.conversation_for_visitor(desk.visitor, "1 OR 1=1") is None


@pytest.mark.django_db
def test_figures_measure_first_response_and_resolution(desk: Desk) -> None:
    services.post_message(desk.conversation, author_kind="visitor", body="?")
    services.post_message(desk.conversation, author_kind="agent", author=desk.agent, body="!")
    services.resolve(desk.conversation)
    start = timezone.now() - timedelta(minutes=30)
    Conversation.objects.filter(pk=desk.conversation.pk).update(
        created_at=start,
        first_visitor_message_at=start,
        first_response_at=start + timedelta(minutes=2),
        resolved_at=start + timedelta(minutes=20),
    )
    services.start_conversation(services.create_visitor(desk.store))  # not answered yet
    figures = selectors.figures(desk.store)
    assert figures.conversations == 2
    assert figures.answered == 1
    assert figures.resolved == 1
    assert figures.first_response_median_s == 120
    assert figures.resolution_median_s == 1200
