"""Reads of the answer bot: settings, whether it holds a conversation, frustration signs, the
queue a customer waits in and an honest estimate of the wait, and the measures page."""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from dukkan.accounts.models import Membership
from dukkan.answerbot.models import (
    AgentLanguages,
    BotSession,
    BotSettings,
    Rating,
    SessionState,
    Team,
)
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.core.text import normalise
from dukkan.support.models import Channel, Conversation, Status

BOT_CHANNELS = (Channel.WIDGET, Channel.STOREFRONT)
HANDLING_WINDOW = timedelta(days=7)  # recent handling times the wait estimate learns from


def bot_settings(store: Store) -> BotSettings:
    found = scoped(BotSettings, store).first()
    return found if found is not None else BotSettings(store=store)


def bot_enabled(store: Store) -> bool:
    return scoped(BotSettings, store).filter(enabled=True).exists()


def bot_enabled_for(store_id: int) -> bool:
    return BotSettings.objects.filter(store_id=store_id, enabled=True).exists()


def session_of(conversation: Conversation) -> BotSession | None:
    return scoped(BotSession, conversation.store).filter(conversation=conversation).first()


def held_by_bot(conversation: Conversation) -> bool:
    """Is the bot still talking with this customer (so nobody should be assigned yet)?"""
    if conversation.channel not in BOT_CHANNELS or conversation.assignee_id is not None:
        return False
    session = session_of(conversation)
    if session is not None:
        return session.state in (SessionState.BOT, SessionState.RESOLVED)
    return bot_enabled(conversation.store)


def exclude_held(store: Store, conversations: QuerySet[Conversation]) -> QuerySet[Conversation]:
    """`conversations` without those the bot still holds: the human queue."""
    held_states = (SessionState.BOT, SessionState.RESOLVED)
    if not bot_enabled(store):
        return conversations.exclude(bot_session__state__in=held_states)
    return conversations.filter(
        Q(bot_session__state__in=(SessionState.WAITING, SessionState.HUMAN))
        | ~Q(channel__in=BOT_CHANNELS)
    )


# -- frustration ----------------------------------------------------------------------------------

# Normalised (core.text.normalise) words and phrases that say "stop, get me a person".
FRUSTRATION_WORDS = [
    # English
    "useless",
    "stupid",
    "ridiculous",
    "terrible",
    "awful",
    "angry",
    "annoyed",
    "frustrat",
    "not helpful",
    "doesnt help",
    "doesn't help",
    "didnt help",
    "didn't help",
    "not working",
    "human",
    "real person",
    "a person",
    "an agent",
    "speak to someone",
    "talk to someone",
    "wtf",
    "scam",
    "refund now",
    "worst",
    # Arabic
    "سخيف",
    "غبي",
    "مزعج",
    "زهقت",
    "تعبت",
    "لا يفيد",
    "ما يفيد",
    "مو مفيد",
    "غير مفيد",
    "موظف",
    "انسان",
    "شخص حقيقي",
    "اكلم احد",
    "كلم احد",
    "اسوا",
    "نصب",
    "محبط",
    # Persian
    "مسخره",
    "احمقانه",
    "افتضاح",
    "خسته شدم",
    "کلافه",
    "عصبانی",
    "بدرد نمیخوره",
    "به درد نمیخوره",
    "کمکی نکرد",
    "فایده نداره",
    "اپراتور",
    "ادم واقعی",
    "آدم واقعی",
    "یک نفر",
    "کلاهبرداری",
    "بدترین",
]
_NORMALISED = [normalise(word) for word in FRUSTRATION_WORDS]
_REPEATED_MARKS = re.compile(r"[?!؟]{3,}|([?!؟])\s*\1\s*\1|[?؟]!|![?؟]")


def frustrated(text: str) -> bool:
    """Signs of a frustrated customer: words in ar/fa/en, shouting in capitals, "???" or "?!"."""
    letters = [ch for ch in text if ch.isalpha() and ch.isascii()]
    if len(letters) >= 8 and sum(ch.isupper() for ch in letters) / len(letters) > 0.8:
        return True
    if _REPEATED_MARKS.search(text):
        return True
    normal = f" {normalise(text)} "
    return any(word in normal for word in _NORMALISED)


# -- the queue and the wait ---------------------------------------------------------------------


@dataclass(frozen=True)
class Wait:
    position: int  # 1: next; 0: not waiting
    agents_online: int
    free_places: int
    handling_seconds: float | None  # median recent handling time, None: no data
    seconds: int | None  # None: nobody can honestly say


def agent_languages(store: Store) -> dict[int, list[str]]:
    return {row.user_id: row.languages for row in scoped(AgentLanguages, store)}


def team_for_language(store: Store, language: str) -> Team | None:
    for team in scoped(Team, store).order_by("pk"):
        if language in (team.languages or []):
            return team
    return None


def queue(store: Store) -> QuerySet[Conversation]:
    """Customers waiting for a person: unassigned, open, not with the bot; first come first."""
    waiting = scoped(Conversation, store).filter(assignee__isnull=True, status=Status.OPEN)
    return exclude_held(store, waiting).order_by("created_at", "pk")


def median_handling_seconds(store: Store, now: datetime) -> float | None:
    """Median time recently resolved conversations spent with a person (first human reply to
    resolution); None when there is none in the window."""
    rows = scoped(Conversation, store).filter(
        resolved_at__gte=now - HANDLING_WINDOW, first_response_at__isnull=False
    )
    spans = [
        (resolved - answered).total_seconds()
        for answered, resolved in rows.values_list("first_response_at", "resolved_at")[:500]
        if resolved and answered and resolved > answered
    ]
    return statistics.median(spans) if spans else None


def wait_for(conversation: Conversation, now: datetime | None = None) -> Wait:
    """Where the customer stands and how long it will likely take, from live figures only:
    agents online now, their open conversations and capacities, recent handling times.

    With F free places among online agents, positions 1..F are taken at once. Beyond that,
    places free up at the agents' throughput: by Little's law, open conversations / median
    handling time. No agent online or no handling time measured: no number (None)."""
    from dukkan.inbox.selectors import agents_with_capacity
    from dukkan.realtime.presence import online_agents

    now = now or timezone.now()
    store = conversation.store
    ids = list(queue(store).values_list("pk", flat=True)[:1000])
    position = ids.index(conversation.pk) + 1 if conversation.pk in ids else 0
    online = {user.pk for user in online_agents(store)}
    loads = [load for load in agents_with_capacity(store) if load.membership.user_id in online]
    free = sum(max(0, load.max_open - load.open_count) for load in loads if load.auto_assign)
    busy = sum(load.open_count for load in loads)
    handling = median_handling_seconds(store, now)
    seconds: int | None = None
    if position and loads:
        if position <= free:
            seconds = 0
        elif handling is not None and busy:
            throughput = busy / handling  # conversations finished per second, all agents
            seconds = math.ceil((position - free) / throughput)
    return Wait(
        position=position,
        agents_online=len(loads),
        free_places=free,
        handling_seconds=handling,
        seconds=seconds,
    )


# -- measures ------------------------------------------------------------------------------------


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass(frozen=True)
class Measures:
    since: datetime
    sessions: int
    bot_resolved: int
    handed_off: int
    bot_resolution_pct: float | None
    handoff_pct: float | None
    to_human_p50: float | None
    to_human_p90: float | None
    callbacks: int
    callbacks_on_time: int
    callbacks_on_time_pct: float | None
    ratings: int
    rating_average: float | None
    agents: list[dict[str, object]]


def measures(store: Store, days: int = 30, now: datetime | None = None) -> Measures:
    from dukkan.callbacks.selectors import on_time_figures

    now = now or timezone.now()
    since = now - timedelta(days=days)
    sessions = scoped(BotSession, store).filter(created_at__gte=since)
    total = sessions.count()
    resolved = sessions.filter(resolved_by_bot_at__isnull=False, handed_off_at__isnull=True).count()
    handed = sessions.filter(handed_off_at__isnull=False)
    waits = [
        (human - handed_at).total_seconds()
        for handed_at, human in handed.filter(first_human_reply_at__isnull=False).values_list(
            "handed_off_at", "first_human_reply_at"
        )
        if human is not None and handed_at is not None
    ]
    callbacks, on_time = on_time_figures(store, since, now)
    ratings = scoped(Rating, store).filter(created_at__gte=since)
    agg = ratings.aggregate(n=Count("pk"), avg=Avg("score"))
    people = {m.user_id: str(m.user) for m in scoped(Membership, store).select_related("user")}
    agents = [
        {"name": people.get(row["agent"], "—"), "count": row["n"], "average": row["avg"]}
        for row in ratings.filter(agent__isnull=False)
        .values("agent")
        .annotate(n=Count("pk"), avg=Avg("score"))
        .order_by("-avg")
    ]
    n_handed = handed.count()
    return Measures(
        since=since,
        sessions=total,
        bot_resolved=resolved,
        handed_off=n_handed,
        bot_resolution_pct=round(100 * resolved / total, 1) if total else None,
        handoff_pct=round(100 * n_handed / total, 1) if total else None,
        to_human_p50=_percentile(waits, 0.5),
        to_human_p90=_percentile(waits, 0.9),
        callbacks=callbacks,
        callbacks_on_time=on_time,
        callbacks_on_time_pct=round(100 * on_time / callbacks, 1) if callbacks else None,
        ratings=agg["n"] or 0,
        rating_average=round(agg["avg"], 2) if agg["avg"] is not None else None,
        agents=agents,
    )
