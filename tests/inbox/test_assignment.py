"""Auto-assignment: round-robin among online agents, within capacity, fair, race-free."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from dukkan.accounts import services as accounts
from dukkan.accounts.models import Membership, Role, User
from dukkan.inbox.assignment import auto_assign, drain_queue
from dukkan.inbox.models import AgentCapacity, AssignmentCursor
from dukkan.support import services as support
from dukkan.support.models import Conversation
from tests.inbox.conftest import Shop, go_online, run_queued_tasks


def start(shop: Shop, n: int = 1) -> list[Conversation]:
    conversations = []
    for i in range(n):
        visitor = support.create_visitor(shop.store, name=f"Visitor {i}")
        conversations.append(support.start_conversation(visitor))
    return conversations


def capacity(shop: Shop, user: User, max_open: int, auto: bool = True) -> None:
    AgentCapacity.objects.update_or_create(
        store=shop.store, user=user, defaults={"max_open": max_open, "auto_assign": auto}
    )


def assignees(conversations: list[Conversation]) -> list[int | None]:
    return [Conversation.objects.get(pk=c.pk).assignee_id for c in conversations]


@pytest.mark.django_db
def test_round_robin_is_fair_among_online_agents(shop: Shop) -> None:
    online = [shop.owner.pk, shop.agent.pk, shop.admin.pk]
    conversations = start(shop, 6)
    chosen = [auto_assign(c.pk, online) for c in conversations]
    # Team order (membership order): owner, agent, admin; each twice, in turn.
    assert [u.pk for u in chosen if u] == online * 2
    cursor = AssignmentCursor.objects.get(store=shop.store)
    assert cursor.last_user == shop.admin


@pytest.mark.django_db
def test_capacity_is_respected_and_the_rest_waits(shop: Shop) -> None:
    capacity(shop, shop.owner, 0)
    capacity(shop, shop.agent, 1)
    capacity(shop, shop.admin, 2)
    conversations = start(shop, 5)
    online = [shop.owner.pk, shop.agent.pk, shop.admin.pk]
    for c in conversations:
        auto_assign(c.pk, online)
    result = Counter(assignees(conversations))
    assert result == {shop.agent.pk: 1, shop.admin.pk: 2, None: 2}
    # A resolved conversation frees a place: the queue drains into it.
    mine = next(c for c in conversations if assignees([c])[0] == shop.agent.pk)
    support.resolve(mine, actor=shop.agent)
    assert drain_queue(shop.store, online) == 1
    assert Counter(assignees(conversations))[None] == 1


@pytest.mark.django_db
def test_offline_away_and_opted_out_agents_get_nothing(shop: Shop) -> None:
    capacity(shop, shop.admin, 5, auto=False)
    conversations = start(shop, 3)
    for c in conversations:
        auto_assign(c.pk, [shop.agent.pk, shop.admin.pk])  # owner offline; admin opted out
    assert assignees(conversations) == [shop.agent.pk] * 3
    nobody = start(shop, 1)[0]
    assert auto_assign(nobody.pk, []) is None
    assert assignees([nobody]) == [None]


@pytest.mark.django_db
def test_a_manual_assignment_is_never_overridden(shop: Shop) -> None:
    conversation = start(shop, 1)[0]
    support.assign(conversation, shop.admin, actor=shop.owner)
    assert auto_assign(conversation.pk, [shop.agent.pk]) is None
    assert assignees([conversation]) == [shop.admin.pk]


@pytest.mark.django_db
def test_an_ex_member_in_the_online_list_is_skipped(
    shop: Shop, make_user: Callable[..., Any]
) -> None:
    stranger = make_user()
    conversation = start(shop, 1)[0]
    assert auto_assign(conversation.pk, [stranger.pk]) is None


@pytest.mark.django_db(transaction=True)
def test_new_conversation_event_assigns_to_an_agent_who_is_online(shop: Shop) -> None:
    go_online(shop.store, shop.agent)
    run_queued_tasks()
    visitor = support.create_visitor(shop.store, name="Noura")
    conversation = support.start_conversation(visitor)  # autocommit: the event is published
    run_queued_tasks()
    conversation.refresh_from_db()
    assert conversation.assignee == shop.agent


@pytest.mark.django_db(transaction=True)
def test_agent_coming_online_takes_the_waiting_queue(shop: Shop) -> None:
    capacity(shop, shop.agent, 2)
    conversations = start(shop, 3)
    run_queued_tasks()
    assert assignees(conversations) == [None, None, None]
    go_online(shop.store, shop.agent)
    run_queued_tasks()
    assert assignees(conversations) == [shop.agent.pk, shop.agent.pk, None]


def _assign_at_once(
    conversation_id: int, online: list[int], barrier: threading.Barrier, errors: list[BaseException]
) -> None:
    try:
        barrier.wait()
        auto_assign(conversation_id, online)
    except BaseException as error:  # reported by the test
        errors.append(error)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_two_conversations_starting_at_once_go_to_two_agents(shop: Shop) -> None:
    """The race: two workers assign at the same moment; capacity 1 each must hold."""
    Membership.objects.filter(store=shop.store, user=shop.owner).update(role=Role.OWNER)
    capacity(shop, shop.owner, 0)
    capacity(shop, shop.agent, 1)
    capacity(shop, shop.admin, 1)
    for _round in range(3):
        conversations = start(shop, 2)
        online = [shop.agent.pk, shop.admin.pk]
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []
        threads = [
            threading.Thread(target=_assign_at_once, args=(c.pk, online, barrier, errors))
            for c in conversations
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors
        assert sorted(assignees(conversations)) == sorted(online), connection.vendor
        for c in conversations:
            support.resolve(Conversation.objects.get(pk=c.pk), actor=shop.agent)


@pytest.mark.django_db
def test_a_new_member_without_a_capacity_row_gets_the_default(
    shop: Shop, make_user: Callable[..., Any]
) -> None:
    newcomer = make_user()
    accounts.add_member(store=shop.store, user=newcomer, role=Role.AGENT)
    conversations = start(shop, 6)
    for c in conversations:
        auto_assign(c.pk, [newcomer.pk])
    assert Counter(assignees(conversations)) == {newcomer.pk: 5, None: 1}


@pytest.mark.django_db(transaction=True)
def test_resolving_frees_a_place_that_the_queue_takes(shop: Shop) -> None:
    for user in (shop.owner, shop.admin):
        capacity(shop, user, 0)
    capacity(shop, shop.agent, 1)
    go_online(shop.store, shop.agent)
    run_queued_tasks()
    first, second = start(shop, 2)
    run_queued_tasks()
    assert assignees([first, second]) == [shop.agent.pk, None]
    support.resolve(Conversation.objects.get(pk=first.pk), actor=shop.agent)
    run_queued_tasks()
    assert assignees([second]) == [shop.agent.pk]
