"""Reads of FAQ matching: `match_question` (the contract other apps use), settings, reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from dukkan.answers import clustering, index
from dukkan.answers.models import AnswerSettings, AskedQuestion, Deflection
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
