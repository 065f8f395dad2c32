"""Auto-assignment: round-robin among the store's online agents, within each one's capacity.

The store's `AssignmentCursor` row is locked for the whole choice, so two conversations that
start at the same moment are handed out one after the other: the second choice counts the
first assignment (already committed when the lock is released) and moves on in the rotation.
On SQLite every write transaction is IMMEDIATE, which serialises the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import IntegrityError, transaction

from dukkan.accounts.models import Membership, User
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.inbox.models import DEFAULT_CAPACITY, AgentCapacity, AssignmentCursor
from dukkan.inbox.selectors import open_counts
from dukkan.support.models import Conversation, Status

logger = logging.getLogger(__name__)


def _locked_cursor(store: Store) -> AssignmentCursor:
    cursor = scoped(AssignmentCursor, store).select_for_update().first()
    if cursor is not None:
        return cursor
    try:
        with transaction.atomic():
            AssignmentCursor.objects.create(store=store)
    except IntegrityError:
        pass  # another worker created it a moment ago
    return scoped(AssignmentCursor, store).select_for_update().get()


def choose_agent(
    store: Store, online_user_ids: Iterable[int], last_user_id: int | None
) -> User | None:
    """The next agent in the rotation after `last_user_id` who is online, takes new
    conversations and is below capacity; None when nobody can take one."""
    online = set(online_user_ids)
    if not online:
        return None
    members = list(scoped(Membership, store).select_related("user").order_by("created_at", "pk"))
    capacities = {c.user_id: c for c in scoped(AgentCapacity, store)}
    counts = open_counts(store)
    order = [m.user for m in members]
    ids = [u.pk for u in order]
    start = ids.index(last_user_id) + 1 if last_user_id in ids else 0
    for user in order[start:] + order[:start]:
        if user.pk not in online or not user.is_active:
            continue
        capacity = capacities.get(user.pk)
        limit = capacity.max_open if capacity else DEFAULT_CAPACITY
        takes = capacity.auto_assign if capacity else True
        if takes and counts.get(user.pk, 0) < limit:
            return user
    return None


def auto_assign(conversation_id: int, online_user_ids: Iterable[int]) -> User | None:
    """Give an unassigned open conversation to the next agent in the rotation, if any can take it."""
    from dukkan.support import services as support

    conversation = Conversation.objects.select_related("store").filter(pk=conversation_id).first()
    if conversation is None:
        return None
    store = conversation.store
    online = list(online_user_ids)
    with transaction.atomic():
        cursor = _locked_cursor(store)
        conversation = scoped(Conversation, store).get(pk=conversation_id)
        if conversation.assignee_id is not None or conversation.status not in (
            Status.OPEN,
            Status.PENDING,
        ):
            return None
        agent = choose_agent(store, online, cursor.last_user_id)
        if agent is None:
            return None
        support.assign(conversation, assignee=agent, actor=None)
        cursor.last_user = agent
        cursor.save(update_fields=["last_user", "updated_at"])
    logger.info(
        "conversation auto-assigned",
        extra={"conversation_id": conversation_id, "store_id": store.pk, "user_id": agent.pk},
    )
    return agent


def waiting_conversations(store: Store) -> list[int]:
    """Unassigned open conversations, oldest first: the queue an agent coming online takes from
    (without those the answer bot still holds)."""
    from dukkan.answerbot.selectors import exclude_held

    return list(
        exclude_held(
            store, scoped(Conversation, store).filter(assignee__isnull=True, status=Status.OPEN)
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:200]
    )


def drain_queue(store: Store, online_user_ids: Iterable[int]) -> int:
    """Assign waiting conversations while someone online has room; how many were assigned."""
    online = list(online_user_ids)
    assigned = 0
    from dukkan.answerbot.routing import assign  # team and language first, then the rotation

    for conversation_id in waiting_conversations(store):
        if assign(conversation_id, online) is None:
            break
        assigned += 1
    return assigned
