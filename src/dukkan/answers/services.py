"""Writes of FAQ matching: settings, questions asked, deflections, learned phrasings, and what
happens when a customer sends a question the FAQ already answers (`handle_customer_message`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.encoding import uri_to_iri
from django.utils.translation import gettext as _

from dukkan.answers import index, selectors
from dukkan.answers.models import (
    AnswerSettings,
    AskedQuestion,
    Deflection,
    LearnedPhrasing,
    Policy,
)
from dukkan.answers.selectors import FaqMatch
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped

logger = logging.getLogger(__name__)
QUESTION_LIMIT = 2000  # characters of a question kept for the report
PHRASING_LIMIT = 500


# --- Settings ----------------------------------------------------------------------------------


def update_settings(
    store: Store,
    *,
    enabled: bool,
    threshold: float,
    policy: str,
    repeat_limit: int,
    window_hours: int,
) -> AnswerSettings:
    """Save the store's answer settings; a wrong value raises ValidationError, saving nothing."""
    errors: dict[str, str] = {}
    if not 0.05 <= threshold <= 0.95:
        errors["threshold"] = _("The threshold must be between 0.05 and 0.95.")
    if policy not in Policy.values:
        errors["policy"] = _("Choose one of the listed policies.")
    if not 1 <= repeat_limit <= 50:
        errors["repeat_limit"] = _("Enter a number from 1 to 50.")
    if not 1 <= window_hours <= 24 * 30:
        errors["window_hours"] = _("Enter a number of hours from 1 to 720.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        settings, _created = AnswerSettings.objects.select_for_update().get_or_create(store=store)
        settings.enabled = enabled
        settings.threshold = threshold
        settings.policy = policy
        settings.repeat_limit = repeat_limit
        settings.window_hours = window_hours
        settings.save()
    return settings


# --- Questions, deflections, phrasings ---------------------------------------------------------


def record_question(
    store: Store,
    text: str,
    *,
    language: str = "",
    conversation_id: int | None = None,
    visitor_id: int | None = None,
    matches: list[FaqMatch] | None = None,
) -> AskedQuestion | None:
    """Keep a customer's question with its best match (None for text with nothing to match)."""
    text = " ".join(text.split())[:QUESTION_LIMIT]
    if not text:
        return None
    settings = selectors.settings_for(store)
    if matches is None:
        matches = selectors.match_question(store.pk, text, language or None, limit=1)
    best = matches[0] if matches else None
    return AskedQuestion.objects.create(
        store=store,
        text=text,
        language=language[:2],
        conversation_id=conversation_id,
        visitor_id=visitor_id,
        best_article_id=best.article_id if best else None,
        best_score=best.score if best else 0.0,
        answered=bool(best and best.score >= settings.threshold),
    )


def dismiss_question(store: Store, question_id: int) -> int:
    """Take questions off the unanswered report (e.g. not a question at all)."""
    return scoped(AskedQuestion, store).filter(pk=question_id).update(dismissed=True)


def record_deflection(
    store: Store, *, article_id: int, query: str = "", visitor_id: int | None = None
) -> Deflection:
    """A customer opened a suggested answer. Only a published article of the store counts."""
    found = index.entry(store.pk)
    if article_id not in found.titles:
        raise ValidationError(_("There is no such answer."), code="not_found")
    score = 0.0
    query = " ".join(query.split())[:500]
    if query:
        for match in selectors.match_question(store.pk, query, limit=10):
            if match.article_id == article_id:
                score = match.score
    return Deflection.objects.create(
        store=store, article_id=article_id, query=query, visitor_id=visitor_id, score=score
    )


def learn_phrasing(store: Store, *, article_id: int, text: str, by: Any = None) -> bool:
    """Keep `text` (a customer's question an agent answered with the article) as another way
    to ask for it, so the next customer who asks so gets the article. True when it is new."""
    text = " ".join(text.split())[:PHRASING_LIMIT]
    if not text or article_id not in index.entry(store.pk).titles:
        return False
    try:
        with transaction.atomic():
            LearnedPhrasing.objects.create(
                store=store,
                article_id=article_id,
                text=text,
                created_by=by if getattr(by, "pk", None) else None,
            )
    except IntegrityError:
        return False
    transaction.on_commit(lambda: index.bump(store.pk))
    return True


# --- A customer's message ----------------------------------------------------------------------

# Other apps (the answer bot) may take a store's conversations over: a predicate per app,
# called with the store id; when any says yes, handle_customer_message only records.
_takeovers: list[Callable[[int], bool]] = []


def register_takeover(predicate: Callable[[int], bool]) -> None:
    if predicate not in _takeovers:
        _takeovers.append(predicate)


@dataclass
class Outcome:
    """What happened to one customer message."""

    question: AskedQuestion | None = None
    matches: list[FaqMatch] = field(default_factory=list)
    answered: bool = False
    replied: bool = False
    reminded: bool = False
    repeats: int = 0


def helpcenter_url(store: Store, language: str) -> str:
    try:
        with translation.override(language or None):
            return reverse("knowledge_helpcenter:home", kwargs={"store_slug": store.slug})
    except NoReverseMatch:
        return ""


def absolute(path: str) -> str:
    """A page's address for a message: on this server, readable (not percent-encoded)."""
    if not path:
        return ""
    return uri_to_iri(urljoin(django_settings.DUKKAN_BASE_URL.rstrip("/") + "/", path.lstrip("/")))


def _reply_body(match: FaqMatch, *, remind: bool, store: Store, language: str) -> str:
    with translation.override(language or None):
        lines = [_("Automatic answer from our FAQ:"), match.title]
        if match.snippet:
            lines.append(match.snippet)
        if match.url:
            lines.append(absolute(match.url))
        if remind:
            faq = absolute(helpcenter_url(store, language))
            lines.append("")
            lines.append(
                _(
                    "You will find answers to many questions in our help center: %(url)s. "
                    "If this does not answer your question, just write; a person will reply."
                )
                % {"url": faq}
            )
        else:
            lines.append(
                _("If this does not answer your question, just write; a person will reply.")
            )
        return "\n".join(lines)


def handle_customer_message(
    conversation: Any, text: str, *, language: str = "", reply: bool = True
) -> Outcome:
    """A customer wrote `text` in `conversation`: keep the question for the report, and when the
    FAQ answers it (score ≥ the store's threshold) post that answer at once, labelled as
    automatic, with a kind pointer to the help center for a customer who keeps asking answered
    questions (policy "remind" or "faq_first"). The customer's message always reaches the team.
    """
    store = conversation.store
    settings = selectors.settings_for(store)
    outcome = Outcome()
    if not settings.enabled or not text.strip():
        return outcome
    language = language or getattr(conversation.visitor, "language", "")[:2]
    matches = selectors.match_question(store.pk, text, language or None, limit=3)
    visitor_id = conversation.visitor_id
    outcome.matches = matches
    outcome.question = record_question(
        store,
        text,
        language=language,
        conversation_id=conversation.pk,
        visitor_id=visitor_id,
        matches=matches,
    )
    if outcome.question is None or not outcome.question.answered:
        return outcome
    outcome.answered = True
    outcome.repeats = selectors.answered_recently(store, visitor_id, settings.window_hours)
    remind = settings.policy != Policy.OFF and outcome.repeats >= settings.repeat_limit
    if not reply or any(predicate(store.pk) for predicate in _takeovers):
        return outcome
    from dukkan.support import services as support

    best = matches[0]
    support.post_system(
        conversation,
        body=_reply_body(best, remind=remind, store=store, language=language),
        data={
            "answers": {
                "automatic": True,
                "article_id": best.article_id,
                "score": best.score,
                "title": best.title,
                "url": best.url,
                "remind": remind,
            }
        },
        client_id=f"answers-{outcome.question.pk}",
    )
    outcome.replied = True
    outcome.reminded = remind
    return outcome


def gate(store: Store, *, visitor_id: int | None, text: str, language: str = "") -> dict[str, Any]:
    """For the widget before sending: the answers to show, and whether this customer must open
    the suggested answer first (policy "faq_first", after K answered questions in the window).
    Only a question the FAQ answers is ever gated: anything else goes straight to a person."""
    settings = selectors.settings_for(store)
    if not settings.enabled:
        return {"matches": [], "gate": False}
    matches = selectors.match_question(store.pk, text, language or None, limit=3)
    answered = bool(matches and matches[0].score >= settings.threshold)
    repeats = (
        selectors.answered_recently(store, visitor_id, settings.window_hours)
        if visitor_id is not None and answered
        else 0
    )
    gated = answered and settings.policy == Policy.FAQ_FIRST and repeats >= settings.repeat_limit
    return {"matches": matches, "gate": gated, "answered": answered, "repeats": repeats}


def draft_from_reply(store: Store, *, title: str, body: str, language: str, author: Any) -> Any:
    """Turn an agent's reply into a draft article (knowledge's service checks the fields)."""
    from dukkan.knowledge import services as knowledge

    return knowledge.create_article(
        store,
        title=title,
        body=body,
        language=language,
        kind="faq",
        status="draft",
        author=author,
    )
