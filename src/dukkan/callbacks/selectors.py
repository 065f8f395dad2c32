"""Reads of callbacks: the Callbacks view (due, overdue, done) and the on-time figure."""

from __future__ import annotations

from datetime import datetime

from django.db.models import F, QuerySet
from django.utils import timezone

from dukkan.callbacks.models import CallbackRequest, CallbackStatus
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.support.models import Conversation

VIEWS = ("due", "overdue", "done")


def callbacks(store: Store, view: str, now: datetime | None = None) -> QuerySet[CallbackRequest]:
    now = now or timezone.now()
    rows = scoped(CallbackRequest, store).select_related("assignee", "team", "conversation")
    if view == "overdue":
        return rows.filter(status=CallbackStatus.SCHEDULED, deadline__lte=now).order_by("deadline")
    if view == "done":
        return rows.exclude(status=CallbackStatus.SCHEDULED).order_by("-done_at")
    return rows.filter(status=CallbackStatus.SCHEDULED, deadline__gt=now).order_by("deadline")


def counts(store: Store, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    rows = scoped(CallbackRequest, store)
    scheduled = rows.filter(status=CallbackStatus.SCHEDULED)
    return {
        "due": scheduled.filter(deadline__gt=now).count(),
        "overdue": scheduled.filter(deadline__lte=now).count(),
        "done": rows.exclude(status=CallbackStatus.SCHEDULED).count(),
    }


def for_conversation(conversation: Conversation) -> QuerySet[CallbackRequest]:
    return (
        scoped(CallbackRequest, conversation.store)
        .filter(conversation=conversation)
        .select_related("assignee")
    )


def on_time_figures(store: Store, since: datetime, now: datetime) -> tuple[int, int]:
    """(callbacks that came due or were closed in the period, of them closed by their deadline)."""
    rows = scoped(CallbackRequest, store).filter(created_at__gte=since)
    closed = rows.exclude(status=CallbackStatus.SCHEDULED)
    late_open = rows.filter(status=CallbackStatus.SCHEDULED, deadline__lte=now).count()
    on_time = closed.filter(done_at__lte=F("deadline")).count()
    return closed.count() + late_open, on_time
