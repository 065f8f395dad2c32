"""Reads of FAQ matching: `match_question` (the contract other apps use), settings, reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dukkan.answers import clustering, index
from dukkan.answers.models import AnswerSettings, AskedQuestion, Deflection, LearnedPhrasing
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped

MAX_LIMIT = 20
LANGUAGES = ("ar", "fa", "en")


@dataclass(frozen=True)
class FaqMatch:
    """One customer-facing article that answers a question; `score` from 0 to 1."""

    article_id: int
    title: str
    snippet: str
    url: str
    language: str
    score: float
    method: str


def match_question(
    store_id: int, text: str, language: str | None = None, limit: int = 3
) -> list[FaqMatch]:
    """The store's published articles that best answer `text`, best first (never internal ones).

    Empty, emoji-only or punctuation-only text matches nothing; a very long text is matched on
    its start. `language` prefers articles in that language when the store has any.
    """
    return _match(store_id, text, language, limit, normalised=True)


def _match(
    store_id: int, text: str, language: str | None, limit: int, *, normalised: bool
) -> list[FaqMatch]:
    if not isinstance(text, str) or not text.strip():
        return []
    limit = max(1, min(int(limit), MAX_LIMIT))
    language = language if language in LANGUAGES else None
    found = index.entry(store_id, normalised=normalised)
    return [
        FaqMatch(
            article_id=hit.doc_id,
            title=found.titles[hit.doc_id],
            snippet=found.snippets[hit.doc_id],
            url=found.urls[hit.doc_id],
            language=found.languages[hit.doc_id],
            score=hit.score,
            method=hit.method,
        )
        for hit in found.matcher.search(text, language=language, limit=limit)
    ]


def settings_for(store: Store) -> AnswerSettings:
    found = scoped(AnswerSettings, store).first()
    return found if found is not None else AnswerSettings(store=store)


def answered_recently(store: Store, visitor_id: int, hours: int) -> int:
    """How many of the visitor's questions the FAQ answered within the last `hours`."""
    since = timezone.now() - timedelta(hours=hours)
    return (
        scoped(AskedQuestion, store)
        .filter(visitor_id=visitor_id, answered=True, created_at__gte=since)
        .count()
    )


@dataclass(frozen=True)
class QuestionGroup:
    """Similar unanswered questions: what to write an article about next."""

    label: str
    questions: Sequence[AskedQuestion]

    @property
    def size(self) -> int:
        return len(self.questions)


def unanswered_groups(store: Store, *, days: int = 30, limit: int = 500) -> list[QuestionGroup]:
    """The store's unanswered questions of the last `days`, grouped by similarity, biggest first."""
    since = timezone.now() - timedelta(days=days)
    questions = list(
        scoped(AskedQuestion, store)
        .filter(answered=False, dismissed=False, created_at__gte=since)
        .order_by("-created_at")[:limit]
    )
    groups = clustering.group([q.text for q in questions])
    result = [
        QuestionGroup(label=questions[members[0]].text, questions=[questions[i] for i in members])
        for members in groups
    ]
    return sorted(result, key=lambda g: (-g.size, -g.questions[0].pk))


def deflection_count(store: Store, *, days: int = 30) -> int:
    since = timezone.now() - timedelta(days=days)
    return scoped(Deflection, store).filter(created_at__gte=since).count()


def suggestion_floor(settings: AnswerSettings) -> float:
    """Suggestions as the customer types may be a little less sure than an automatic answer."""
    return max(0.2, settings.threshold - 0.15)


def article_edit_url(store: Store, article_id: int) -> str:
    try:
        return reverse("knowledge:edit", kwargs={"store_slug": store.slug, "pk": article_id})
    except NoReverseMatch:
        return reverse("answers:report", kwargs={"store_slug": store.slug})


@dataclass(frozen=True)
class Figures:
    asked: int
    answered: int
    deflections: int
    learned: int

    @property
    def answered_percent(self) -> int:
        return round(100 * self.answered / self.asked) if self.asked else 0


def figures(store: Store, *, days: int = 30) -> Figures:
    since = timezone.now() - timedelta(days=days)
    asked = scoped(AskedQuestion, store).filter(created_at__gte=since)
    return Figures(
        asked=asked.count(),
        answered=asked.filter(answered=True).count(),
        deflections=deflection_count(store, days=days),
        learned=scoped(LearnedPhrasing, store).count(),
    )


def _customer_messages(conversation: Any) -> list[Any]:
    from dukkan.support import selectors as support

    return [
        e
        for e in support.events_after(conversation, 0)
        if e.kind == "message" and e.author_kind in ("visitor", "agent")
    ]


def latest_question(conversation: Any) -> str:
    """The customer's latest message in the conversation ("" when there is none)."""
    from dukkan.support import selectors as support

    seq = conversation.last_visitor_message_seq
    if not seq:
        return ""
    found = support.events_after(conversation, seq - 1, limit=1)
    return found[0].body if found and found[0].author_kind == "visitor" else ""


def replies_to(store: Store, questions: Sequence[AskedQuestion]) -> dict[int, str]:
    """{question id: the team's first reply after it in its conversation} where there is one."""
    from dukkan.support.selectors import conversation_for_store

    replies: dict[int, str] = {}
    for question in questions:
        if question.conversation_id is None:
            continue
        conversation = conversation_for_store(store, question.conversation_id)
        if conversation is None:
            continue
        for event in _customer_messages(conversation):
            if (
                event.author_kind == "agent"
                and event.created_at >= question.created_at
                and event.body
            ):
                replies[question.pk] = event.body
                break
    return replies


def inbox_suggestions(conversation: Any, limit: int = 3) -> dict[str, Any]:
    """What the inbox's suggested-articles card shows for the customer's latest question."""
    question = latest_question(conversation)
    store = conversation.store
    settings = settings_for(store)
    matches = match_question(store.pk, question, None, limit=limit) if question else []
    return {
        "store": store,
        "conversation": conversation,
        "question": question,
        "matches": [m for m in matches if m.score >= suggestion_floor(settings) / 2],
        "threshold": settings.threshold,
    }
