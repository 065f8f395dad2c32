"""Emails about unseen messages, sent once each by a periodic job.

- A customer message no agent of the store has read (support's `agent_read_seq` cursor) for
  `agent_after_minutes`: one email to the assignee, or to every agent of the store when the
  conversation is unassigned. Still unread after `owner_after_minutes`: one email to the owners.
- Agent replies the visitor has not read (`visitor_read_seq`) for `customer_after_minutes`, while
  the visitor is away and gave an email: one email with the replies and a link back.

Each email is recorded in `NoticeSent` (conversation, kind, seq) under a unique constraint before
it goes out, so two workers, or a job that runs again, never send it twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from dukkan.accounts.models import Membership, Role, User
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.inbox.models import NoticeKind, NoticeSent, NotificationSettings
from dukkan.support.models import AuthorKind, Conversation, ConversationEvent, EventKind, Status

logger = logging.getLogger(__name__)

# A visitor seen by the server this recently still has the chat open: no email yet.
VISITOR_AWAY_AFTER = timedelta(minutes=2)
RTL_LANGUAGES = {"ar", "fa"}


@dataclass
class Outcome:
    agent: int = 0
    owner: int = 0
    customer: int = 0


def _absolute(path: str) -> str:
    return f"{settings.DUKKAN_BASE_URL}{path}"


def _language(*candidates: str) -> str:
    for candidate in candidates:
        code = (candidate or "").split("-")[0].lower()
        if code in {"ar", "fa", "en"}:
            return code
    return "en"


def _once(
    conversation: Conversation,
    kind: str,
    seq: int,
    recipients: list[str],
    deliver: Callable[[], None],
) -> bool:
    """Record the notice, then deliver it; False when it was recorded already.

    The record is committed before the mail goes out, so a second run (or worker) never sends
    it again; if sending fails, the record is removed and the next run tries again.
    """
    try:
        with transaction.atomic():
            notice = NoticeSent.objects.create(
                store_id=conversation.store_id,
                conversation=conversation,
                kind=kind,
                seq=seq,
                recipients=", ".join(recipients),
            )
    except IntegrityError:
        return False
    try:
        deliver()
    except Exception:
        notice.delete()
        raise
    return True


def _send(
    template: str,
    language: str,
    context: dict[str, object],
    recipient: str,
    conversation: Conversation | None = None,
    agent: User | None = None,
) -> None:
    with translation.override(language):
        context = {
            **context,
            "language": language,
            "direction": "rtl" if language in RTL_LANGUAGES else "ltr",
        }
        subject = render_to_string(f"inbox/email/{template}_subject.txt", context).strip()
        text = render_to_string(f"inbox/email/{template}_body.txt", context)
        html = render_to_string(f"inbox/email/{template}_body.html", context)
    # Answerable by replying: the email channel's signed reply address and thread headers.
    from dukkan.email_channel.services import continuity_headers

    headers = continuity_headers(conversation, agent=agent) if conversation is not None else {}
    message = EmailMultiAlternatives(subject, text, None, [recipient], headers=headers)
    message.attach_alternative(html, "text/html")
    message.send()


def _settings_for(store: Store) -> NotificationSettings:
    from dukkan.inbox.services import notification_settings

    return notification_settings(store)


def _oldest_unseen_customer_message(conversation: Conversation) -> ConversationEvent | None:
    return (
        scoped(ConversationEvent, conversation.store)
        .filter(
            conversation=conversation,
            kind=EventKind.MESSAGE,
            author_kind=AuthorKind.VISITOR,
            seq__gt=conversation.agent_read_seq,
        )
        .order_by("seq")
        .first()
    )


def _people(store: Store, roles: list[str]) -> list[User]:
    return [
        m.user
        for m in scoped(Membership, store).select_related("user").filter(role__in=roles)
        if m.user.is_active and m.user.email
    ]


def _conversation_link(conversation: Conversation, language: str) -> str:
    with translation.override(language):
        return _absolute(
            reverse(
                "inbox:conversation",
                kwargs={"store_slug": conversation.store.slug, "conversation_id": conversation.pk},
            )
        )


def _unread_for_agents(store: Store) -> QuerySet[Conversation]:
    return (
        scoped(Conversation, store)
        .filter(last_visitor_message_seq__gt=F("agent_read_seq"))
        .exclude(status=Status.RESOLVED)
        .select_related("store", "visitor", "contact", "assignee")
    )


def _notify_agents(store: Store, config: NotificationSettings, now: datetime, out: Outcome) -> None:
    earliest = now - timedelta(minutes=config.agent_after_minutes)
    for conversation in _unread_for_agents(store).filter(unseen_since__lte=earliest):
        message = _oldest_unseen_customer_message(conversation)
        if message is None or message.created_at > earliest:
            continue
        waited = now - message.created_at
        if waited >= timedelta(minutes=config.owner_after_minutes):
            owners = _people(store, [Role.OWNER])
            if owners and _once(
                conversation,
                NoticeKind.OWNER,
                message.seq,
                [u.email for u in owners],
                partial(_mail_all, "owner", owners, conversation, message, waited),
            ):
                out.owner += 1
        if NoticeSent.objects.filter(
            conversation=conversation, kind=NoticeKind.AGENT, seq=message.seq
        ).exists():
            continue
        if conversation.assignee is not None and conversation.assignee.is_active:
            recipients = [conversation.assignee]
        else:
            recipients = _people(store, [Role.AGENT, Role.ADMIN, Role.OWNER])
        if recipients and _once(
            conversation,
            NoticeKind.AGENT,
            message.seq,
            [u.email for u in recipients],
            partial(_mail_all, "agent", recipients, conversation, message, waited),
        ):
            out.agent += 1


def _customer_name(conversation: Conversation) -> str:
    contact = conversation.contact
    return (contact.display_name if contact else "") or str(conversation.visitor)


def _mail_all(
    template: str,
    people: list[User],
    conversation: Conversation,
    message: ConversationEvent,
    waited: timedelta,
) -> None:
    for person in people:
        _mail_staff(template, person, conversation, message, waited)


def _mail_staff(
    template: str,
    person: User,
    conversation: Conversation,
    message: ConversationEvent,
    waited: timedelta,
) -> None:
    language = _language(person.language, conversation.store.default_language)
    context = {
        "person": person,
        "store": conversation.store,
        "conversation": conversation,
        "customer": _customer_name(conversation),
        "message": message,
        "minutes": max(1, int(waited.total_seconds() // 60)),
        "link": _conversation_link(conversation, language),
    }
    _send(template, language, context, person.email, conversation, person)


def _customer_email(conversation: Conversation) -> str:
    contact = conversation.contact
    return (conversation.visitor.email or (contact.email if contact else "")).strip()


def _visitor_present(conversation: Conversation, now: datetime) -> bool:
    """Whether the visitor still has the chat open. Realtime keeps no presence for visitors;
    every connection (WebSocket or HTTP poll) touches `last_seen_at`, so a recent one means
    they are there (and will read the reply in the widget)."""
    visitor = conversation.visitor
    return visitor.last_seen_at is not None and now - visitor.last_seen_at < VISITOR_AWAY_AFTER


def _back_link(conversation: Conversation) -> str:
    page = conversation.visitor.page_url
    if page and urlsplit(page).scheme in {"http", "https"}:
        parts = urlsplit(page)
        query = "&".join(filter(None, [parts.query, urlencode({"chat": "open"})]))
        return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
    language = _language(conversation.language, conversation.store.default_language)
    with translation.override(language):
        path = reverse("store_home", kwargs={"store_slug": conversation.store.slug})
    return _absolute(f"{path}?chat=open")


def _notify_customers(
    store: Store, config: NotificationSettings, now: datetime, out: Outcome
) -> None:
    earliest = now - timedelta(minutes=config.customer_after_minutes)
    candidates = (
        scoped(Conversation, store)
        .filter(last_agent_message_seq__gt=F("visitor_read_seq"))
        .exclude(channel="email")  # the email channel mails each reply itself
        .select_related("store", "visitor", "contact")
    )
    for conversation in candidates:
        email = _customer_email(conversation)
        if not email:
            continue
        already = (
            NoticeSent.objects.filter(conversation=conversation, kind=NoticeKind.CUSTOMER)
            .order_by("-seq")
            .values_list("seq", flat=True)
            .first()
        ) or 0
        replies = list(
            scoped(ConversationEvent, store)
            .filter(
                conversation=conversation,
                kind=EventKind.MESSAGE,
                author_kind=AuthorKind.AGENT,
                seq__gt=max(conversation.visitor_read_seq, already),
            )
            .select_related("author", "attachment")
            .order_by("seq")
        )
        if not replies or replies[0].created_at > earliest:
            continue
        if _visitor_present(conversation, now):
            continue
        language = _language(
            conversation.language,
            conversation.visitor.language,
            conversation.contact.language if conversation.contact else "",
            store.default_language,
        )
        context = {
            "store": store,
            "conversation": conversation,
            "customer": _customer_name(conversation),
            "replies": replies,
            "link": _back_link(conversation),
        }
        if not _once(
            conversation,
            NoticeKind.CUSTOMER,
            replies[-1].seq,
            [email],
            partial(_send, "customer", language, context, email, conversation),
        ):
            continue
        out.customer += 1


def send_due_notices(now: datetime | None = None) -> Outcome:
    """One pass over every active store: the emails that are due, each sent once."""
    now = now or timezone.now()
    out = Outcome()
    for store in Store.objects.filter(is_active=True).order_by("pk"):
        config = _settings_for(store)
        try:
            if config.agent_emails:
                _notify_agents(store, config, now, out)
            if config.customer_emails:
                _notify_customers(store, config, now, out)
        except Exception:
            # One store's failure (a bad address, a mail server hiccup) must not stop the rest.
            logger.exception("notices failed", extra={"store_id": store.pk})
    return out
