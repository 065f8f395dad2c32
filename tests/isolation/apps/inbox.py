"""The inbox: B's conversations, canned replies and settings must never reach A."""

from __future__ import annotations

from typing import Any

from dukkan.inbox.models import AgentCapacity, CannedReply, NotificationSettings
from dukkan.support import services as support
from dukkan.support.models import Conversation, ConversationEvent
from tests.isolation.walker import World


def build(world: World) -> None:
    visitor = support.create_visitor(
        world.b, name="Bravo Visitor Ophelion", email="bravo-visitor-2h8d@bravo-private.example"
    )
    conversation = support.start_conversation(visitor)
    support.post_message(
        conversation, author_kind="visitor", body="Bravo private question Marzipanic"
    )
    support.post_note(conversation, author=world.b_agent, body="Bravo private note Quetzalor")
    world.extra["inbox_conversation"] = conversation
    world.extra["inbox_canned"] = CannedReply.objects.create(
        store=world.b, shortcut="bravo", title="Bravo canned Xylophant", body="Bravo canned body"
    )
    AgentCapacity.objects.create(store=world.b, user=world.b_agent, max_open=3)
    NotificationSettings.objects.create(store=world.b, agent_after_minutes=7)


def __getattr__(name: str) -> Any:
    # `Param` is defined in the walker after it imports this module; build on first use.
    if name != "PARAMETERS":
        raise AttributeError(name)
    from tests.isolation.walker import Param

    return {
        "conversation_id": Param(
            lambda w: str(w.extra["inbox_conversation"].pk), True, "B's conversation in the inbox"
        ),
        "canned_reply_id": Param(
            lambda w: str(w.extra["inbox_canned"].pk), True, "B's canned reply"
        ),
    }


FORM_PAYLOAD = {
    "body": "Taken over",
    "kind": "message",
    "assignee": "",
    "status": "resolved",
    "priority": "4",
    "new_label": "Taken over",
    "seq": "99",
    "shortcut": "taken",
    "title": "Taken over",
    "max_open": "0",
    "agent_after_minutes": "1",
    "owner_after_minutes": "2",
    "customer_after_minutes": "1",
}


def private_markers(world: World) -> list[str]:
    return [
        "Bravo Visitor Ophelion",
        "bravo-visitor-2h8d@bravo-private.example",
        "Marzipanic",
        "Quetzalor",
        "Xylophant",
    ]


def snapshot(world: World) -> Any:
    conversation: Conversation = world.extra["inbox_conversation"]
    return (
        list(Conversation.objects.filter(store=world.b).order_by("pk").values_list()),
        list(ConversationEvent.objects.filter(conversation=conversation).values_list()),
        list(CannedReply.objects.filter(store=world.b).values_list()),
        list(AgentCapacity.objects.filter(store=world.b).values_list()),
        list(NotificationSettings.objects.filter(store=world.b).values_list()),
    )
