"""Subscribers of support's events: auto-assignment of new conversations."""

from __future__ import annotations

import logging

from dukkan.core.events import subscribe
from dukkan.core.models import Store
from dukkan.inbox.assignment import drain_queue
from dukkan.realtime.events import AgentPresenceChanged
from dukkan.support.events import ConversationStarted, ConversationStatusChanged

logger = logging.getLogger(__name__)


def online_agent_ids(store: Store) -> list[int]:
    """The store's agents who are online now, from realtime's presence."""
    from dukkan.realtime.selectors import online_agents

    return [agent.pk for agent in online_agents(store)]


@subscribe(ConversationStarted, as_task=True)
def assign_new_conversation(event: ConversationStarted) -> None:
    store = Store.objects.filter(pk=event.store_id).first()
    if store is None:
        return
    # Routing by team and language first (answerbot), then this app's rules; a conversation
    # the answer bot still holds waits until it hands over.
    from dukkan.answerbot.routing import assign

    agent = assign(event.conversation_id, online_agent_ids(store))
    if agent is None:
        logger.info(
            "conversation waits in the queue",
            extra={"conversation_id": event.conversation_id, "store_id": event.store_id},
        )


@subscribe(AgentPresenceChanged, as_task=True)
def assign_queue_to_agent_coming_online(event: AgentPresenceChanged) -> None:
    """An agent came online: conversations waiting in the queue go out, within capacities."""
    if event.status != "online":
        return
    store = Store.objects.filter(pk=event.store_id).first()
    if store is None:
        return
    drain_queue(store, online_agent_ids(store))


@subscribe(ConversationStatusChanged, as_task=True)
def assign_queue_when_a_place_frees(event: ConversationStatusChanged) -> None:
    """A resolved or snoozed conversation frees a place: the queue may move on."""
    if event.new_status not in ("resolved", "snoozed"):
        return
    store = Store.objects.filter(pk=event.store_id).first()
    if store is None:
        return
    drain_queue(store, online_agent_ids(store))
