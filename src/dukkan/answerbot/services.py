"""Writes of the answer bot: a bot turn on a customer's message, the hand-over to a person,
"did this solve it?", the one-tap "talk to a person", ratings, settings, teams.

The bot answers only from the store's knowledge base (`answers.selectors.match_question`) and
only above the store's confidence threshold; anything else goes to a person at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dukkan.accounts.models import Membership, User
from dukkan.answerbot import selectors
from dukkan.answerbot.models import (
    MAX_UNANSWERED,
    AgentLanguages,
    BotSession,
    BotSettings,
    HandoverReason,
    Rating,
    SessionState,
    Team,
    validate_languages,
)
from dukkan.core.models import Store
from dukkan.core.tenancy import get_scoped_or_404, scoped
from dukkan.support import services as support
from dukkan.support.models import AuthorKind, Conversation, ConversationEvent, Status, Visitor

logger = logging.getLogger(__name__)

COMMENT_LIMIT = 2000


def _language(conversation: Conversation) -> str:
    code = (conversation.language or conversation.visitor.language or "")[:2]
    return code if code in ("ar", "fa", "en") else conversation.store.default_language


def _session(conversation: Conversation, *, lock: bool = False) -> BotSession:
    """The conversation's bot session (made on first use), row-locked when asked."""
    rows = scoped(BotSession, conversation.store).filter(conversation=conversation)
    found = rows.select_for_update().first() if lock else rows.first()
    if found is not None:
        return found
    session, _created = BotSession.objects.get_or_create(
        conversation=conversation,
        defaults={"store_id": conversation.store_id, "language": _language(conversation)},
    )
    if lock:
        session = BotSession.objects.select_for_update().get(pk=session.pk)
    return session


# -- a bot turn ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    article_id: int
    title: str
    snippet: str
    url: str
    score: float


def best_answer(store: Store, text: str, language: str, exclude: list[int]) -> Answer | None:
    """The knowledge base's best match at or above the store's threshold, not offered before."""
    try:
        from dukkan.answers.selectors import match_question
    except ImportError:  # no FAQ matching in this build: the bot has nothing to say
        return None
    threshold = selectors.bot_settings(store).threshold
    for match in match_question(store.pk, text, language=language, limit=3):
        if match.score >= threshold and match.article_id not in exclude:
            return Answer(match.article_id, match.title, match.snippet, match.url, match.score)
    return None


def on_customer_message(conversation_id: int, seq: int) -> str:
    """The bot's turn after the customer's message `seq`: "answered", "handed_over" or
    "skipped" (the bot is off, or a person has the conversation)."""
    conversation = (
        Conversation.objects.select_related("store", "visitor").filter(pk=conversation_id).first()
    )
    if conversation is None or conversation.channel not in selectors.BOT_CHANNELS:
        return "skipped"
    store = conversation.store
    session = selectors.session_of(conversation)
    if session is None and not selectors.bot_enabled(store):
        return "skipped"
    if conversation.assignee_id is not None:
        return "skipped"
    event = scoped(ConversationEvent, store).filter(conversation=conversation, seq=seq).first()
    if event is None or event.author_kind != AuthorKind.VISITOR:
        return "skipped"
    with transaction.atomic():
        session = _session(conversation, lock=True)
        if session.state == SessionState.RESOLVED:  # the customer wrote again: a new question
            session.state = SessionState.BOT
            session.unanswered = 0
        if session.state != SessionState.BOT:
            return "skipped"
        if session.awaiting_feedback_seq:
            # Another question instead of "yes": the last answer did not settle it.
            session.unanswered += 1
            session.awaiting_feedback_seq = 0
        session.save()
        language = session.language or _language(conversation)
        offered = list(session.articles)
        unanswered = session.unanswered
    text = event.body
    if selectors.frustrated(text):
        hand_over(conversation, HandoverReason.FRUSTRATED)
        return "handed_over"
    if unanswered >= MAX_UNANSWERED:
        hand_over(conversation, HandoverReason.UNANSWERED)
        return "handed_over"
    answer = best_answer(store, text, language, offered) if text.strip() else None
    if answer is None:
        hand_over(conversation, HandoverReason.LOW_CONFIDENCE)
        return "handed_over"
    with translation.override(language):
        label = _("Automatic answer")
    body = f"{answer.title}\n{answer.snippet}\n{answer.url}".strip()
    with transaction.atomic():
        session = _session(conversation, lock=True)
        if session.state != SessionState.BOT:
            return "skipped"  # the customer tapped "talk to a person" meanwhile
        posted = support.post_system(
            conversation,
            body=body,
            client_id=f"bot-answer-{seq}",
            data={
                "bot": {
                    "kind": "answer",
                    "label": label,
                    "article_id": answer.article_id,
                    "title": answer.title,
                    "snippet": answer.snippet,
                    "url": answer.url,
                    "score": round(answer.score, 3),
                    "ask": True,
                }
            },
        )
        session.answers += 1
        session.articles = [*session.articles, answer.article_id]
        session.awaiting_feedback_seq = posted.event.seq
        session.save()
    return "answered"


# -- hand-over ----------------------------------------------------------------------------------


def _context_note(conversation: Conversation, session: BotSession, reason: str) -> str:
    said = list(
        scoped(ConversationEvent, conversation.store)
        .filter(conversation=conversation, author_kind=AuthorKind.SYSTEM, kind="message")
        .exclude(data__bot__kind="handover")
        .order_by("seq")
        .values_list("data", flat=True)
    )
    titles = [d.get("bot", {}).get("title", "") for d in said if isinstance(d, dict)]
    lines = [
        _("The answer bot handed this conversation over: %(reason)s.")
        % {"reason": HandoverReason(reason).label}
    ]
    if titles:
        lines.append(
            _("The bot offered: %(titles)s") % {"titles": "; ".join(t for t in titles if t)}
        )
    else:
        lines.append(_("The bot did not answer anything."))
    return "\n".join(lines)


def hand_over(conversation: Conversation, reason: str, *, taps: int = 0) -> BotSession:
    """Give the conversation to a person (idempotent): the agents get a note with what the bot
    said and why it stepped aside, the customer a message (with when people are back, outside
    hours), and routing assigns it by team and language if someone is online."""
    from dukkan.hours.selectors import calendar_for, say_moment
    from dukkan.inbox.handlers import online_agent_ids

    now = timezone.now()
    store = conversation.store
    with transaction.atomic():
        session = _session(conversation, lock=True)
        if session.state in (SessionState.WAITING, SessionState.HUMAN):
            return session
        language = session.language or _language(conversation)
        team = selectors.team_for_language(store, language)
        session.state = SessionState.WAITING
        session.handed_off_at = now
        session.handover_reason = reason
        session.awaiting_feedback_seq = 0
        session.team = team
        session.taps_to_human = taps
        session.save()
        calendar = calendar_for(store, team.business_hours if team else None, at=now)
        is_open = calendar.is_open(now)
        back = None if is_open else calendar.next_open(now)
        with translation.override(store.default_language):
            note = _context_note(conversation, session, reason)
        with translation.override(language):
            if is_open:
                text = _("I'm getting a person for you. They will see what we said so far.")
            elif back is not None:
                text = _(
                    "I'm getting a person for you. We are away right now and back %(when)s "
                    "(store time). Leave your message here and we will answer here and by "
                    "email, or request a callback."
                ) % {"when": say_moment(back, store, language)}
            else:
                text = _(
                    "I'm getting a person for you. Nobody is working right now; leave your "
                    "message here and we will answer here and by email, or request a callback."
                )
        support.post_system(
            conversation,
            body=note,
            visible=False,
            data={"bot": {"kind": "context", "reason": reason}},
            client_id=f"bot-context-{session.pk}-{int(now.timestamp())}",
        )
        support.post_system(
            conversation,
            body=text,
            data={
                "bot": {
                    "kind": "handover",
                    "reason": reason,
                    "open": is_open,
                    "back_at": back.isoformat() if back else None,
                    "offers": [] if is_open else ["message", "callback"],
                }
            },
            client_id=f"bot-handover-{session.pk}-{int(now.timestamp())}",
        )
        if conversation.status != Status.OPEN:
            support.reopen(conversation)
    try:
        from dukkan.answerbot.routing import assign

        assign(conversation.pk, online_agent_ids(store))
    except Exception:  # routing retries when an agent comes online or a place frees
        logger.exception(
            "routing after hand-over failed", extra={"conversation_id": conversation.pk}
        )
    return session


def talk_to_person(visitor: Visitor, conversation: Conversation | None = None) -> Conversation:
    """The one-tap button: works at every moment, with or without a conversation yet."""
    if conversation is None:
        conversation = support.start_or_resume_conversation(visitor)
    hand_over(conversation, HandoverReason.ASKED, taps=1)
    return conversation


def feedback(conversation: Conversation, *, solved: bool) -> str:
    """The customer's answer to "did this solve it?": "resolved", "handed_over" or "ignored"."""
    session = selectors.session_of(conversation)
    if session is None or session.state != SessionState.BOT:
        return "ignored"
    if not solved:
        hand_over(conversation, HandoverReason.NOT_SOLVED, taps=1)
        return "handed_over"
    with transaction.atomic():
        session = _session(conversation, lock=True)
        if session.state != SessionState.BOT:
            return "ignored"
        session.state = SessionState.RESOLVED
        session.resolved_by_bot_at = timezone.now()
        session.awaiting_feedback_seq = 0
        session.save()
        with translation.override(session.language or _language(conversation)):
            text = _("Glad it helped! Write again any time if you need anything else.")
        support.post_system(
            conversation,
            body=text,
            data={"bot": {"kind": "solved"}},
            client_id=f"bot-solved-{session.pk}-{session.answers}",
        )
        support.resolve(conversation)
    return "resolved"


def on_agent_message(conversation_id: int, at: datetime | None = None) -> None:
    """A person replied: the bot steps aside for good; the first reply is measured."""
    conversation = Conversation.objects.select_related("store").filter(pk=conversation_id).first()
    if conversation is None:
        return
    now = at or timezone.now()
    with transaction.atomic():
        session = (
            scoped(BotSession, conversation.store)
            .select_for_update()
            .filter(conversation=conversation)
            .first()
        )
        if session is None:
            return
        if session.handed_off_at is None:
            session.handed_off_at = now
            session.handover_reason = HandoverReason.AGENT
        session.state = SessionState.HUMAN
        session.first_human_reply_at = session.first_human_reply_at or now
        session.save()


# -- ratings ------------------------------------------------------------------------------------


def rate(
    conversation: Conversation, *, score: Any, comment: str = "", via: str = "widget"
) -> Rating:
    """The customer's 1–5 rating of a resolved conversation; rating again changes it."""
    if isinstance(score, str) and score.strip().isdigit():
        score = int(score.strip())
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise ValidationError(_("Choose a rating from 1 to 5."), code="invalid")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_LIMIT:
        raise ValidationError(
            _("A comment may be at most %(limit)s characters long.") % {"limit": COMMENT_LIMIT},
            code="too_long",
        )
    if conversation.status != Status.RESOLVED:
        raise ValidationError(_("Only a resolved conversation can be rated."), code="not_resolved")
    rating, _created = Rating.objects.update_or_create(
        conversation=conversation,
        defaults={
            "store_id": conversation.store_id,
            "agent_id": conversation.assignee_id,
            "score": score,
            "comment": comment,
            "via": via,
        },
    )
    return rating


# -- settings and teams -------------------------------------------------------------------------


def update_settings(store: Store, *, enabled: bool, threshold: float) -> BotSettings:
    found = selectors.bot_settings(store)
    found.enabled = enabled
    found.threshold = threshold
    found.full_clean()
    found.save()
    return found


def save_team(
    store: Store,
    *,
    name: str,
    languages: list[str],
    members: list[int],
    lead: int | None = None,
    business_hours: dict[str, list[list[str]]] | None = None,
    team: Team | None = None,
) -> Team:
    staff = set(scoped(Membership, store).values_list("user_id", flat=True))
    if any(uid not in staff for uid in members) or (lead is not None and lead not in staff):
        raise ValidationError(_("Only people on the store's team can be members."), code="invalid")
    with transaction.atomic():
        team = team or Team(store=store)
        team.name = (name or "").strip()
        team.languages = languages
        team.lead_id = lead
        team.business_hours = business_hours or {}
        team.full_clean(validate_unique=False)
        if scoped(Team, store).filter(name=team.name).exclude(pk=team.pk).exists():
            raise ValidationError(_("There is already a team with this name."), code="duplicate")
        team.save()
        team.members.set(User.objects.filter(pk__in=members))
    return team


def delete_team(store: Store, team_id: int) -> None:
    get_scoped_or_404(Team, store, pk=team_id).delete()


def set_agent_languages(store: Store, user_id: int, languages: list[str]) -> AgentLanguages:
    if not scoped(Membership, store).filter(user_id=user_id).exists():
        raise ValidationError(_("Only people on the store's team can be members."), code="invalid")
    validate_languages(languages)
    row, _created = AgentLanguages.objects.update_or_create(
        store=store, user_id=user_id, defaults={"languages": languages}
    )
    return row
