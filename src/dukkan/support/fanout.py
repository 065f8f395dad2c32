"""The fast path: committed events go out to the channel layer groups of the live connections.

Nothing here is needed for correctness. Connections replay from the database whatever they
missed (docs/protocol.md), so a lost or late group message delays delivery, never loses it.
Group messages are sent after commit, without waiting, from any thread.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core import signing
from django.urls import reverse

from dukkan.support.models import (
    Attachment,
    Conversation,
    ConversationEvent,
    Visitor,
)

logger = logging.getLogger(__name__)

_loop: asyncio.AbstractEventLoop | None = None
_pending: set[Any] = set()  # keeps fire-and-forget sends alive until done
_lock = threading.Lock()


def conversation_group(conversation_id: int) -> str:
    return f"chat.conversation.{conversation_id}"


def inbox_group(store_id: int) -> str:
    return f"chat.inbox.{store_id}"


def visitor_group(visitor_id: int) -> str:
    return f"chat.visitor.{visitor_id}"


def bind_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Remember the server's event loop, so sync code on other threads can reach the layer."""
    global _loop
    with _lock:
        _loop = loop


def send(group: str, message: dict[str, Any]) -> None:
    """group_send without waiting for it; failures are logged (connections heal by replay)."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is not None:
        task = running.create_task(_guarded(layer, group, message))
        _pending.add(task)
        task.add_done_callback(_pending.discard)
    elif _loop is not None and _loop.is_running():
        future = asyncio.run_coroutine_threadsafe(_guarded(layer, group, message), _loop)
        _pending.add(future)
        future.add_done_callback(_pending.discard)
    else:
        # No server loop in this process (a worker, the CLI, a sync test): send and wait.
        async_to_sync(_guarded)(layer, group, message)


async def _guarded(layer: Any, group: str, message: dict[str, Any]) -> None:
    try:
        await layer.group_send(group, message)
    except Exception:
        logger.warning("group send failed; clients will catch up from the database", exc_info=True)


def attachment_url(attachment: Attachment) -> str:
    signature = signing.Signer(salt="dukkan.support.attachment").sign(
        f"{attachment.store_id}.{attachment.pk}"
    )
    return reverse("realtime:attachment", kwargs={"attachment_token": signature})


def attachment_data(attachment: Attachment | None) -> dict[str, Any] | None:
    if attachment is None:
        return None
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "url": attachment_url(attachment),
    }


def author_name(event: ConversationEvent) -> str:
    if event.author_kind == "agent" and event.author is not None:
        return str(event.author)
    return ""


def event_data(event: ConversationEvent) -> dict[str, Any]:
    """The `event` object of an event frame (docs/protocol.md), the same for every audience."""
    return {
        "kind": event.kind,
        "author": {
            "kind": event.author_kind,
            "id": event.author_id,
            "name": author_name(event),
        },
        "body": event.body,
        "client_id": event.client_id,
        "attachment": attachment_data(event.attachment) if event.attachment_id else None,
        "data": event.data,
        "created_at": event.created_at.isoformat(),
    }


def event_frame(event: ConversationEvent, *, for_visitor: bool = False) -> dict[str, Any]:
    data = event_data(event)
    if for_visitor:
        data["author"] = {"kind": event.author_kind, "name": data["author"]["name"]}
        if event.kind == "status":
            data["data"] = {"to": event.data.get("to", "")}
    return {
        "type": "event",
        "conversation": event.conversation_id,
        "seq": event.seq,
        "event": data,
    }


def visitor_name(visitor: Visitor) -> str:
    return str(visitor)


def summary(conversation: Conversation, *, full: bool = True) -> dict[str, Any]:
    """What an inbox list shows of one conversation (the `conversation` of an inbox frame).

    Not `full` (a new message): without name, email and labels, which did not change.
    """
    data = {
        "id": conversation.pk,
        "status": conversation.status,
        "channel": conversation.channel,
        "priority": conversation.priority,
        "assignee": conversation.assignee_id,
        "last_seq": conversation.last_seq,
        "last_message_at": conversation.last_message_at.isoformat()
        if conversation.last_message_at
        else None,
        "last_message_preview": conversation.last_message_preview,
        "last_message_author": conversation.last_message_author,
        "unread": conversation.has_unread_for_agents,
        "snoozed_until": conversation.snoozed_until.isoformat()
        if conversation.snoozed_until
        else None,
        "updated_at": conversation.updated_at.isoformat() if conversation.updated_at else None,
        "visitor": conversation.visitor_id,
    }
    if full:
        visitor = conversation.visitor
        contact = conversation.contact
        data["labels"] = sorted(conversation.labels.values_list("pk", flat=True))
        data["name"] = (contact.display_name if contact else "") or visitor_name(visitor)
        data["email"] = (contact.email if contact else "") or visitor.email
    return data


def publish_event(
    event: ConversationEvent, conversation: Conversation, *, list_changed: bool
) -> None:
    """After commit: the event to its conversation's group, the new summary to the store inbox."""
    send(
        conversation_group(conversation.pk),
        {
            "type": "chat.event",
            "conversation": conversation.pk,
            "seq": event.seq,
            "visible": event.visible_to_visitor,
            "frame": event_frame(event),
            "visitor_frame": event_frame(event, for_visitor=True)
            if event.visible_to_visitor
            else None,
        },
    )
    send(
        inbox_group(conversation.store_id),
        {
            "type": "chat.inbox",
            "frame": {
                "type": "inbox",
                "change": "conversation",
                "conversation": summary(conversation, full=list_changed),
                "counts_changed": list_changed,
            },
        },
    )
