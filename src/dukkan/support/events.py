"""Domain events of conversations, published after the transaction commits."""

from __future__ import annotations

from dataclasses import dataclass

from dukkan.core.events import Event


@dataclass(frozen=True, kw_only=True)
class ConversationStarted(Event):
    conversation_id: int
    store_id: int
    visitor_id: int
    channel: str


@dataclass(frozen=True, kw_only=True)
class MessagePosted(Event):
    """A customer-visible message (not a note): `author_kind` is "visitor" or "agent"."""

    conversation_id: int
    store_id: int
    seq: int
    author_kind: str
    author_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class NotePosted(Event):
    conversation_id: int
    store_id: int
    seq: int
    author_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class ConversationAssigned(Event):
    """`assignee_id` None: unassigned. `actor_id` None: done by the system (auto-assignment)."""

    conversation_id: int
    store_id: int
    assignee_id: int | None
    previous_assignee_id: int | None = None
    actor_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class ConversationStatusChanged(Event):
    conversation_id: int
    store_id: int
    old_status: str
    new_status: str
    actor_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class ConversationRead(Event):
    """One side read up to `seq`: `side` is "visitor" or "agent" (any agent of the store)."""

    conversation_id: int
    store_id: int
    side: str
    seq: int
    user_id: int | None = None
