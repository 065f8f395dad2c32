"""Reads of conversations: replay after a seq, inbox lists and counts, search, figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from django.db.models import Count, F, Q, QuerySet

from dukkan.accounts.models import User
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.core.text import normalise
from dukkan.support.models import (
    VISITOR_KINDS,
    Conversation,
    ConversationEvent,
    EventKind,
    Label,
    Status,
    Visitor,
)
from dukkan.support.services import read_visitor_token

REPLAY_BATCH = 500


def visitor_from_token(store: Store, token: str) -> Visitor | None:
    """The visitor a widget token names at `store`; None for a forged, foreign or old token."""
    key = read_visitor_token(store, token) if token else None
    if key is None:
        return None
    return scoped(Visitor, store).filter(key=key).select_related("store", "contact").first()


def conversation_for_visitor(visitor: Visitor, conversation_id: object) -> Conversation | None:
    """One of the visitor's own conversations; None for anyone else's (nothing leaks)."""
    try:
        pk = int(conversation_id)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    return (
        Conversation.objects.filter(pk=pk, visitor=visitor, store_id=visitor.store_id)
        .select_related("store", "visitor", "contact")
        .first()
    )


def conversation_for_store(store: Store, conversation_id: object) -> Conversation | None:
    """One conversation of `store` (for its agents); None for another store's."""
    try:
        pk = int(conversation_id)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    return (
        scoped(Conversation, store)
        .filter(pk=pk)
        .select_related("store", "visitor", "contact", "assignee")
        .first()
    )


def visitor_conversations(visitor: Visitor) -> QuerySet[Conversation]:
    return Conversation.objects.filter(visitor=visitor).order_by("-created_at", "-pk")


def events_after(
    conversation: Conversation,
    after: int,
    *,
    for_visitor: bool = False,
    limit: int = REPLAY_BATCH,
) -> list[ConversationEvent]:
    """Events with seq > `after`, oldest first, at most `limit` (call again from the last)."""
    events = ConversationEvent.objects.filter(conversation=conversation, seq__gt=after)
    if for_visitor:
        events = events.filter(kind__in=VISITOR_KINDS)
    return list(events.select_related("author", "attachment").order_by("seq")[:limit])


def history(
    conversation: Conversation, *, for_visitor: bool = False
) -> QuerySet[ConversationEvent]:
    events = ConversationEvent.objects.filter(conversation=conversation)
    if for_visitor:
        events = events.filter(kind__in=VISITOR_KINDS)
    return events.select_related("author", "attachment").order_by("seq")


# Inbox lists ------------------------------------------------------------------------------------

VIEWS = ("mine", "unassigned", "all")


@dataclass(frozen=True)
class ListFilter:
    view: str = "all"  # mine | unassigned | all
    status: str = Status.OPEN  # a Status value, or "" for every status
    label: int | None = None
    channel: str = ""
    query: str = ""


def conversations(
    store: Store, user: User, filters: ListFilter | None = None
) -> QuerySet[Conversation]:
    """The inbox list for `user` at `store`: newest activity first."""
    filters = filters or ListFilter()
    rows = scoped(Conversation, store).select_related("visitor", "contact", "assignee")
    if filters.view == "mine":
        rows = rows.filter(assignee=user)
    elif filters.view == "unassigned":
        rows = rows.filter(assignee__isnull=True)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.label is not None:
        rows = rows.filter(labels__pk=filters.label)
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    if filters.query:
        rows = search(store, filters.query, rows)
    return rows.order_by(F("last_message_at").desc(nulls_last=True), "-pk")


def search(
    store: Store, query: str, rows: QuerySet[Conversation] | None = None
) -> QuerySet[Conversation]:
    """Conversations whose contact (name, email, phone) or messages and notes contain every
    word of `query`, however it is spelled (core.text.normalise on both sides)."""
    rows = rows if rows is not None else scoped(Conversation, store)
    for word in normalise(query).split()[:8]:
        in_events = ConversationEvent.objects.filter(
            store=store,
            kind__in=(EventKind.MESSAGE, EventKind.NOTE),
            search_body__contains=word,
        ).values("conversation_id")
        rows = rows.filter(Q(search_text__contains=word) | Q(pk__in=in_events))
    return rows


def counts(store: Store, user: User) -> dict[str, int]:
    """Numbers for the inbox's tabs: per status, and mine / unassigned among the open ones."""
    rows = scoped(Conversation, store)
    by_status = dict(rows.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    open_rows = rows.filter(status=Status.OPEN)
    result = {status: int(by_status.get(status, 0)) for status in Status.values}
    result["mine"] = open_rows.filter(assignee=user).count()
    result["unassigned"] = open_rows.filter(assignee__isnull=True).count()
    result["unread"] = open_rows.filter(last_visitor_message_seq__gt=F("agent_read_seq")).count()
    return result


def labels(store: Store) -> QuerySet[Label]:
    return scoped(Label, store).order_by("name")


def contact_conversations(conversation: Conversation, limit: int = 20) -> list[Conversation]:
    """The same person's other conversations at this store (by contact, else by visitor)."""
    rows = scoped(Conversation, conversation.store).exclude(pk=conversation.pk)
    if conversation.contact_id:
        rows = rows.filter(
            Q(contact_id=conversation.contact_id) | Q(visitor_id=conversation.visitor_id)
        )
    else:
        rows = rows.filter(visitor_id=conversation.visitor_id)
    return list(rows.order_by("-created_at")[:limit])


# Figures ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    conversations: int
    answered: int
    resolved: int
    first_response_median_s: float | None
    first_response_mean_s: float | None
    resolution_median_s: float | None
    resolution_mean_s: float | None


def _seconds(values: list[timedelta]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    seconds = [v.total_seconds() for v in values]
    return median(seconds), sum(seconds) / len(seconds)


def figures(store: Store, since: datetime | None = None, until: datetime | None = None) -> Figures:
    """First response time (first visitor message → first agent reply) and resolution time
    (start → last resolution) of the store's conversations started in [since, until)."""
    rows = scoped(Conversation, store)
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    if until is not None:
        rows = rows.filter(created_at__lt=until)
    total = rows.count()
    answered = list(
        rows.filter(
            first_response_at__isnull=False, first_visitor_message_at__isnull=False
        ).values_list("first_visitor_message_at", "first_response_at")
    )
    resolved = list(
        rows.filter(status=Status.RESOLVED, resolved_at__isnull=False).values_list(
            "created_at", "resolved_at"
        )
    )
    response = _seconds([b - a for a, b in answered if a and b])
    resolution = _seconds([b - a for a, b in resolved if a and b])
    return Figures(
        conversations=total,
        answered=len(answered),
        resolved=len(resolved),
        first_response_median_s=response[0],
        first_response_mean_s=response[1],
        resolution_median_s=resolution[0],
        resolution_mean_s=resolution[1],
    )
