"""Reads for the inbox pages: conversation lists, counts, canned replies, capacities, figures.

Conversations are support's; where support has no selector for what a page needs, the query is
written here, always through `scoped()`.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dukkan.accounts.models import Membership, User
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.core.text import normalise
from dukkan.inbox.models import DEFAULT_CAPACITY, AgentCapacity, CannedReply
from dukkan.support.models import (
    Channel,
    Conversation,
    ConversationEvent,
    EventKind,
    Label,
    Priority,
    Status,
)

VIEWS = ("mine", "unassigned", "all")
STATUSES = tuple(s.value for s in Status)
SEARCH_LIMIT = 200


@dataclass(frozen=True)
class ListFilters:
    view: str = "all"
    status: str = Status.OPEN
    label: int | None = None
    channel: str = ""
    query: str = ""

    @classmethod
    def from_query(cls, params: Any) -> ListFilters:
        view = params.get("view", "")
        status = params.get("status", "")
        channel = params.get("channel", "")
        try:
            label = int(params.get("label", "") or 0) or None
        except ValueError:
            label = None
        return cls(
            view=view if view in VIEWS else "all",
            status=status if status in STATUSES or status == "any" else Status.OPEN,
            label=label,
            channel=channel if channel in Channel.values else "",
            query=(params.get("q", "") or "")[:SEARCH_LIMIT].strip(),
        )

    def as_query(self, **changes: Any) -> str:
        from urllib.parse import urlencode

        values = {
            "view": self.view,
            "status": self.status,
            "label": self.label or "",
            "channel": self.channel,
            "q": self.query,
            **changes,
        }
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})


def _by_view(
    conversations: QuerySet[Conversation], view: str, user: User
) -> QuerySet[Conversation]:
    if view == "mine":
        return conversations.filter(assignee=user)
    if view == "unassigned":
        return conversations.filter(assignee__isnull=True)
    return conversations


def search(conversations: QuerySet[Conversation], query: str) -> QuerySet[Conversation]:
    """Conversations whose contact or messages contain every word of `query`, however spelled.

    Support keeps the normalised text of the contact and the messages in `search_text`; the
    contact's own `search_text` (crm) is searched too, so a contact's later email or phone counts.
    """
    for word in normalise(query).split():
        in_messages = ConversationEvent.objects.filter(
            kind__in=["message", "note"], search_body__contains=word
        ).values("conversation_id")
        conversations = conversations.filter(
            Q(search_text__contains=word)
            | Q(contact__search_text__contains=word)
            | Q(pk__in=in_messages)
        )
    return conversations


def conversation_list(store: Store, user: User, filters: ListFilters) -> QuerySet[Conversation]:
    conversations = scoped(Conversation, store)
    conversations = _by_view(conversations, filters.view, user)
    if filters.status != "any":
        conversations = conversations.filter(status=filters.status)
    if filters.label:
        conversations = conversations.filter(labels__id=filters.label)
    if filters.channel:
        conversations = conversations.filter(channel=filters.channel)
    if filters.query:
        conversations = search(conversations, filters.query)
    return (
        conversations.select_related("visitor", "contact", "assignee")
        .prefetch_related("labels")
        .order_by("-priority", "-last_message_at", "-pk")
        .distinct()
    )


def view_counts(store: Store, user: User, status: str = Status.OPEN) -> dict[str, int]:
    """How many conversations of `status` each view holds (mine, unassigned, all)."""
    conversations = scoped(Conversation, store)
    if status != "any":
        conversations = conversations.filter(status=status)
    counted = conversations.aggregate(
        all=Count("pk"),
        mine=Count("pk", filter=Q(assignee=user)),
        unassigned=Count("pk", filter=Q(assignee__isnull=True)),
    )
    return {view: int(counted[view] or 0) for view in VIEWS}


def status_counts(store: Store, user: User, view: str) -> dict[str, int]:
    conversations = _by_view(scoped(Conversation, store), view, user)
    rows = conversations.values("status").annotate(n=Count("pk"))
    found = {row["status"]: row["n"] for row in rows}
    return {status: int(found.get(status, 0)) for status in STATUSES}


def waiting_count(store: Store) -> int:
    """Open conversations with a customer message no agent has read: the nav badge."""
    return (
        scoped(Conversation, store)
        .filter(status__in=[Status.OPEN, Status.PENDING])
        .filter(last_visitor_message_seq__gt=F("agent_read_seq"))
        .count()
    )


def labels(store: Store) -> QuerySet[Label]:
    return scoped(Label, store).order_by("name")


def history(conversation: Conversation) -> QuerySet[ConversationEvent]:
    """Every event of the conversation, oldest first, for the agent's view (notes included)."""
    return (
        scoped(ConversationEvent, conversation.store)
        .filter(conversation=conversation)
        .select_related("author", "attachment")
        .order_by("seq")
    )


def describe(event: ConversationEvent) -> str:
    """One line for a status, assignment, label or priority event in the thread."""
    who = str(event.author) if event.author_id and event.author else _("The system")
    data = event.data or {}
    if event.kind == EventKind.STATUS:
        from dukkan.inbox.templatetags.inbox import STATUS_LABELS

        to = data.get("to", "")
        label = str(STATUS_LABELS.get(to, to))
        if to == Status.SNOOZED and data.get("until"):
            return _("%(who)s snoozed the conversation") % {"who": who}
        return _("%(who)s set the status to %(status)s") % {"who": who, "status": label}
    if event.kind == EventKind.ASSIGNMENT:
        if data.get("to"):
            return _("%(who)s assigned the conversation to %(agent)s") % {
                "who": who,
                "agent": data.get("to_name", ""),
            }
        return _("%(who)s returned the conversation to the queue") % {"who": who}
    if event.kind == EventKind.LABELS:
        names = ", ".join(data.get("labels", [])) or _("none")
        return _("%(who)s set the labels: %(labels)s") % {"who": who, "labels": names}
    if event.kind == EventKind.PRIORITY:
        to = data.get("to", 0)
        label = str(Priority(to).label) if to in Priority.values else str(to)
        return _("%(who)s set the priority to %(priority)s") % {"who": who, "priority": label}
    return str(EventKind(event.kind).label) if event.kind in EventKind.values else event.kind


def previous_conversations(conversation: Conversation, limit: int = 10) -> list[Conversation]:
    others = scoped(Conversation, conversation.store).exclude(pk=conversation.pk)
    if conversation.contact_id:
        others = others.filter(contact_id=conversation.contact_id)
    else:
        others = others.filter(visitor_id=conversation.visitor_id)
    return list(others.order_by("-created_at")[:limit])


def neighbours(
    store: Store, user: User, filters: ListFilters, conversation: Conversation
) -> tuple[int | None, int | None]:
    """The ids before and after `conversation` in the list it was opened from (j / k)."""
    ids = list(conversation_list(store, user, filters).values_list("pk", flat=True)[:500])
    if conversation.pk not in ids:
        return (ids[0] if ids else None), None
    at = ids.index(conversation.pk)
    before = ids[at - 1] if at > 0 else None
    after = ids[at + 1] if at + 1 < len(ids) else None
    return before, after


def canned_replies(store: Store) -> QuerySet[CannedReply]:
    return scoped(CannedReply, store).order_by("shortcut")


@dataclass(frozen=True)
class AgentLoad:
    membership: Membership
    max_open: int
    auto_assign: bool
    open_count: int


def open_counts(store: Store) -> dict[int, int]:
    """Open and pending conversations per assignee."""
    rows = (
        scoped(Conversation, store)
        .filter(status__in=[Status.OPEN, Status.PENDING], assignee__isnull=False)
        .values("assignee_id")
        .annotate(n=Count("pk"))
    )
    return {row["assignee_id"]: row["n"] for row in rows}


def agents_with_capacity(store: Store) -> list[AgentLoad]:
    capacities = {c.user_id: c for c in scoped(AgentCapacity, store)}
    counts = open_counts(store)
    loads = []
    for membership in scoped(Membership, store).select_related("user").order_by("created_at"):
        capacity = capacities.get(membership.user_id)
        loads.append(
            AgentLoad(
                membership=membership,
                max_open=capacity.max_open if capacity else DEFAULT_CAPACITY,
                auto_assign=capacity.auto_assign if capacity else True,
                open_count=counts.get(membership.user_id, 0),
            )
        )
    return loads


def team_members(store: Store) -> list[User]:
    return [m.user for m in scoped(Membership, store).select_related("user").order_by("created_at")]


@dataclass(frozen=True)
class Figure:
    count: int
    median: timedelta | None
    p90: timedelta | None


@dataclass(frozen=True)
class Figures:
    since: datetime
    conversations: int
    resolved: int
    first_response: Figure
    resolution: Figure


def _figure(durations: list[float]) -> Figure:
    if not durations:
        return Figure(0, None, None)
    ordered = sorted(durations)
    p90_index = max(0, math.ceil(0.9 * len(ordered)) - 1)  # nearest rank
    return Figure(
        len(ordered),
        timedelta(seconds=statistics.median(ordered)),
        timedelta(seconds=ordered[p90_index]),
    )


def figures(store: Store, days: int = 30, now: datetime | None = None) -> Figures:
    """First response time and resolution time of the store's conversations started in the period.

    First response: from the customer's first message to the first agent reply. Resolution:
    from the first customer message to the (latest) resolution. Median and 90th percentile.
    """
    now = now or timezone.now()
    since = now - timedelta(days=days)
    started = scoped(Conversation, store).filter(created_at__gte=since)
    rows = list(started.values_list("first_visitor_message_at", "first_response_at", "resolved_at"))
    responses = [
        (answered - asked).total_seconds()
        for asked, answered, _resolved in rows
        if asked and answered and answered >= asked
    ]
    resolutions = [
        (resolved - asked).total_seconds()
        for asked, _answered, resolved in rows
        if asked and resolved and resolved >= asked
    ]
    return Figures(
        since=since,
        conversations=len(rows),
        resolved=sum(1 for row in rows if row[2]),
        first_response=_figure(responses),
        resolution=_figure(resolutions),
    )
