"""Writes to conversations. Every change is one event in the conversation's gap-free log.

`_append` is the one place that gives out sequence numbers: in one transaction it locks the
conversation row (SELECT … FOR UPDATE on PostgreSQL; SQLite runs IMMEDIATE transactions, so
writers already serialise), reads `last_seq`, inserts the event with `last_seq + 1` and raises
`last_seq`. A message carries its sender's `client_id`; a retry with the same id, found under
the same lock, returns the event stored the first time, so retries never duplicate.

Services raise `ValidationError` with a `code` (and `params` such as the limit), which the
protocol turns into an error frame (docs/protocol.md).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from dukkan.accounts.models import Membership, User
from dukkan.core.events import publish
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.core.text import normalise
from dukkan.crm.services import upsert_contact
from dukkan.support import events, fanout
from dukkan.support.models import (
    ATTACHMENT_LIMIT,
    ATTACHMENT_TYPES,
    CLIENT_ID_LIMIT,
    MESSAGE_LIMIT,
    Attachment,
    AuthorKind,
    Channel,
    Conversation,
    ConversationEvent,
    EventKind,
    Label,
    Priority,
    Status,
    Visitor,
)

PREVIEW_LENGTH = 200
SEARCH_TEXT_LIMIT = 2000


@dataclasses.dataclass(frozen=True)
class Posted:
    """The stored event, and whether this call stored it (False: a retry of the same client id)."""

    event: ConversationEvent
    created: bool


# Visitor tokens -------------------------------------------------------------------------------

VISITOR_TOKEN_MAX_AGE = 400 * 24 * 3600  # seconds; the widget renews it on every visit


def _visitor_signer(store: Store) -> signing.TimestampSigner:
    # The store's own secret in the salt: a token of one store is worthless at another, and
    # rotating the store secret forgets every visitor.
    return signing.TimestampSigner(salt=f"dukkan.support.visitor.{store.pk}.{store.secret}")


def issue_visitor_token(visitor: Visitor) -> str:
    """A signed token that names `visitor` at its store; kept by the widget in localStorage."""
    return _visitor_signer(visitor.store).sign(visitor.key.hex)


def read_visitor_token(store: Store, token: str) -> str | None:
    """The visitor key a token names, or None when it is forged, of another store or too old."""
    try:
        return _visitor_signer(store).unsign(token, max_age=VISITOR_TOKEN_MAX_AGE)
    except (signing.BadSignature, TypeError, ValueError):
        return None


# Visitors -------------------------------------------------------------------------------------


def create_visitor(
    store: Store,
    *,
    name: str = "",
    email: str = "",
    phone: str = "",
    language: str = "",
    location: str = "",
    page_url: str = "",
) -> Visitor:
    visitor = Visitor(
        store=store,
        name=name.strip()[:200],
        email=email.strip().lower(),
        phone=phone.strip()[:40],
        language=language[:10],
        location=location.strip()[:200],
        page_url=page_url[:500],
        last_seen_at=timezone.now(),
    )
    visitor.full_clean(exclude=["contact", "page_url"])
    visitor.save()
    if visitor.email:
        _link_contact(visitor)
    return visitor


def identify_visitor(
    visitor: Visitor,
    *,
    name: str = "",
    email: str = "",
    phone: str = "",
    language: str = "",
    location: str = "",
    external_id: str = "",
) -> Visitor:
    """Record what the visitor told (pre-chat form) or the host proved (`external_id`, HMAC
    checked by the caller), link the store's contact, and refresh the search text."""
    values = {
        "name": name.strip()[:200],
        "email": email.strip().lower(),
        "phone": phone.strip()[:40],
        "language": language[:10],
        "location": location.strip()[:200],
        "external_id": external_id[:200],
    }
    for field, value in values.items():
        if value:
            setattr(visitor, field, value)
    visitor.full_clean(exclude=["contact", "page_url"])
    with transaction.atomic():
        visitor.save()
        _link_contact(visitor)
    return visitor


def _link_contact(visitor: Visitor) -> None:
    if not (visitor.email or visitor.external_id):
        return
    contact = upsert_contact(
        visitor.store,
        email=visitor.email,
        name=visitor.name,
        phone=visitor.phone,
        language=visitor.language,
        location=visitor.location,
        external_id=visitor.external_id,
        contact=visitor.contact,
    )
    if visitor.contact_id != contact.pk:
        visitor.contact = contact
        visitor.save(update_fields=["contact"])
    text = _contact_search_text(visitor)
    Conversation.objects.filter(visitor=visitor).update(contact=contact, search_text=text)


def _contact_search_text(visitor: Visitor) -> str:
    contact = visitor.contact
    parts = [visitor.name, visitor.email, visitor.phone]
    if contact is not None:
        parts += [contact.name, contact.email, contact.phone]
    return normalise(" ".join(dict.fromkeys(p for p in parts if p)))[:SEARCH_TEXT_LIMIT]


def touch_visitor(visitor: Visitor, *, page_url: str = "") -> None:
    fields = {"last_seen_at": timezone.now()}
    if page_url:
        fields["page_url"] = page_url[:500]  # type: ignore[assignment]
    Visitor.objects.filter(pk=visitor.pk).update(**fields)


# Conversations --------------------------------------------------------------------------------


def start_conversation(
    visitor: Visitor, *, channel: str = Channel.WIDGET, subject: str = ""
) -> Conversation:
    if channel not in Channel.values:
        raise ValidationError(_("Unknown channel."), code="invalid")
    conversation = Conversation.objects.create(
        store=visitor.store,
        visitor=visitor,
        contact=visitor.contact,
        channel=channel,
        subject=subject.strip()[:200],
        language=visitor.language,
        search_text=_contact_search_text(visitor),
    )
    publish(
        events.ConversationStarted(
            conversation_id=conversation.pk,
            store_id=conversation.store_id,
            visitor_id=visitor.pk,
            channel=channel,
        )
    )
    transaction.on_commit(
        lambda: fanout.send(
            fanout.inbox_group(conversation.store_id),
            {
                "type": "chat.inbox",
                "frame": {
                    "type": "inbox",
                    "change": "conversation",
                    "conversation": fanout.summary(conversation),
                    "counts_changed": True,
                },
            },
        )
    )
    return conversation


def start_or_resume_conversation(
    visitor: Visitor, *, channel: str = Channel.WIDGET
) -> Conversation:
    """The visitor's latest conversation that is not resolved, or a new one.

    The visitor's row is locked meanwhile, so two tabs sending their first message at once
    end up in one conversation.
    """

    def current() -> Conversation | None:
        return (
            Conversation.objects.filter(visitor=visitor)
            .exclude(status=Status.RESOLVED)
            .order_by("-created_at", "-pk")
            .first()
        )

    found = current()
    if found is not None:
        return found
    with _writing(), transaction.atomic():
        Visitor.objects.select_for_update().filter(pk=visitor.pk).first()
        return current() or start_conversation(visitor, channel=channel)


_sqlite_writer = threading.RLock()  # re-entrant: on-commit handlers may write again


@contextmanager
def _writing() -> Iterator[None]:
    """One conversation write at a time per process on SQLite.

    SQLite lets one writer in at a time anyway; queueing on a lock here hands over at once,
    where SQLite's own busy handler would sleep for milliseconds between tries. PostgreSQL
    needs nothing: the row lock orders writers of one conversation, others run side by side.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with _sqlite_writer:
        yield


def _lock(conversation: Conversation, client_id: str = "") -> Conversation:
    """The conversation row, locked; with `client_id`, the query also looks up (in the same
    round trip) the event a retry of that id would return, as `retry_event_id`."""
    rows = Conversation.objects.select_for_update()
    if client_id:
        rows = rows.annotate(
            retry_event_id=Subquery(
                ConversationEvent.objects.filter(
                    conversation_id=OuterRef("pk"), client_id=client_id
                ).values("pk")[:1]
            )
        )
    return rows.get(pk=conversation.pk)


def _new_event(
    locked: Conversation,
    *,
    kind: str,
    author_kind: str,
    author: User | None = None,
    body: str = "",
    client_id: str = "",
    attachment: Attachment | None = None,
    data: dict[str, object] | None = None,
) -> ConversationEvent:
    """Insert the next event of a conversation locked by the caller's transaction."""
    locked.last_seq += 1
    return ConversationEvent.objects.create(
        store_id=locked.store_id,
        conversation=locked,
        seq=locked.last_seq,
        kind=kind,
        author_kind=author_kind,
        author=author,
        body=body,
        client_id=client_id,
        attachment=attachment,
        data=data or {},
        search_body=normalise(body)[:MESSAGE_LIMIT] if kind in {"message", "note"} else "",
    )


Change = Callable[[Conversation], list[ConversationEvent]]


def _change(
    conversation: Conversation, change: Change, *, list_changed: bool, client_id: str = ""
) -> list[ConversationEvent]:
    """Run `change` on the locked row; save it; fan the new events out after commit.

    The inbox recounts its tabs when `list_changed`, when the status changed, or when the
    conversation became unread or read for the agents.
    """
    with _writing(), transaction.atomic():
        locked = _lock(conversation, client_id)
        was_unread = locked.has_unread_for_agents
        new_events = change(locked)
        if new_events:
            locked.save()
            _refresh(conversation, locked)
            recount = (
                list_changed
                or was_unread != locked.has_unread_for_agents
                or any(event.kind == EventKind.STATUS for event in new_events)
            )
            for event in new_events:
                _fan_out(event, locked, list_changed=recount)
    return new_events


def _refresh(target: Conversation, source: Conversation) -> None:
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def _fan_out(event: ConversationEvent, conversation: Conversation, *, list_changed: bool) -> None:
    # A copy as of this commit: later changes to the row must not show in this event's summary.
    snapshot = Conversation(
        **{f.attname: getattr(conversation, f.attname) for f in conversation._meta.concrete_fields}
    )
    transaction.on_commit(lambda: fanout.publish_event(event, snapshot, list_changed=list_changed))


def _check_body(body: str, *, attachment: Attachment | None) -> str:
    if not isinstance(body, str):
        raise ValidationError(_("The message must be text."), code="invalid")
    if len(body) > MESSAGE_LIMIT:
        raise ValidationError(
            _("A message may be at most %(limit)s characters long.") % {"limit": MESSAGE_LIMIT},
            code="too_long",
            params={"limit": MESSAGE_LIMIT},
        )
    if not body.strip() and attachment is None:
        raise ValidationError(_("The message is empty."), code="empty")
    return body


def _check_client_id(client_id: str) -> str:
    if not isinstance(client_id, str) or len(client_id) > CLIENT_ID_LIMIT:
        raise ValidationError(
            _("client_id must be text of at most %(limit)s characters.")
            % {"limit": CLIENT_ID_LIMIT},
            code="invalid",
            params={"limit": CLIENT_ID_LIMIT},
        )
    return client_id


def _retry_of(
    locked: Conversation, client_id: str, *, kind: str, author_kind: str
) -> ConversationEvent | None:
    retry_event_id = getattr(locked, "retry_event_id", None)  # looked up by `_lock`
    if not client_id or retry_event_id is None:
        return None
    existing = (
        ConversationEvent.objects.select_related("author", "attachment")
        .filter(pk=retry_event_id)
        .first()
    )
    if existing is not None and (existing.kind, existing.author_kind) != (kind, author_kind):
        raise ValidationError(
            _("This client_id was already used for another message."), code="client_id_conflict"
        )
    return existing


def _check_attachment(conversation: Conversation, attachment: Attachment | None) -> None:
    if attachment is None:
        return
    if attachment.store_id != conversation.store_id or (
        attachment.conversation_id not in (None, conversation.pk)
    ):
        raise ValidationError(_("Unknown attachment."), code="not_found")


def post_message(
    conversation: Conversation,
    *,
    author_kind: str,
    body: str,
    client_id: str = "",
    author: User | None = None,
    attachment: Attachment | None = None,
) -> Posted:
    """Append a customer-visible message by the visitor or an agent; idempotent by client_id.

    A visitor's message reopens a snoozed or resolved conversation (a status event first).
    An agent's reply counts as the agents having read everything before it.
    """
    if author_kind not in (AuthorKind.VISITOR, AuthorKind.AGENT):
        raise ValidationError(_("Unknown author."), code="invalid")
    if author_kind == AuthorKind.AGENT:
        _check_agent(conversation.store, author)
    body = _check_body(body, attachment=attachment)
    client_id = _check_client_id(client_id)
    _check_attachment(conversation, attachment)
    result: list[Posted] = []
    old_status: list[str] = []

    def change(locked: Conversation) -> list[ConversationEvent]:
        existing = _retry_of(locked, client_id, kind=EventKind.MESSAGE, author_kind=author_kind)
        if existing is not None:
            result.append(Posted(existing, False))
            return []
        now = timezone.now()
        new_events = []
        if attachment is not None:
            # Claimed under the lock: an attachment belongs to one conversation only.
            claimed = (
                Attachment.objects.filter(pk=attachment.pk, store_id=locked.store_id)
                .filter(Q(conversation__isnull=True) | Q(conversation=locked))
                .update(conversation=locked)
            )
            if not claimed:
                raise ValidationError(_("Unknown attachment."), code="not_found")
            attachment.conversation_id = locked.pk
        if author_kind == AuthorKind.VISITOR and locked.status != Status.OPEN:
            old_status.append(locked.status)
            new_events.append(
                _new_event(
                    locked,
                    kind=EventKind.STATUS,
                    author_kind=AuthorKind.SYSTEM,
                    data={"from": locked.status, "to": Status.OPEN, "reason": "visitor_message"},
                )
            )
            locked.status = Status.OPEN
            locked.snoozed_until = None
        event = _new_event(
            locked,
            kind=EventKind.MESSAGE,
            author_kind=author_kind,
            author=author if author_kind == AuthorKind.AGENT else None,
            body=body,
            client_id=client_id,
            attachment=attachment,
        )
        new_events.append(event)
        locked.last_message_at = now
        locked.last_message_preview = _preview(body, attachment)
        locked.last_message_author = author_kind
        if author_kind == AuthorKind.VISITOR:
            locked.last_visitor_message_seq = event.seq
            locked.first_visitor_message_at = locked.first_visitor_message_at or now
            locked.unseen_since = locked.unseen_since or now
        else:
            locked.last_agent_message_seq = event.seq
            locked.agent_read_seq = event.seq
            locked.unseen_since = None
            if locked.first_response_at is None and locked.first_visitor_message_at is not None:
                locked.first_response_at = now
        result.append(Posted(event, True))
        return new_events

    _change(conversation, change, list_changed=False, client_id=client_id)
    posted = result[0]
    if posted.created:
        if old_status:
            publish(
                events.ConversationStatusChanged(
                    conversation_id=conversation.pk,
                    store_id=conversation.store_id,
                    old_status=old_status[0],
                    new_status=Status.OPEN,
                )
            )
        publish(
            events.MessagePosted(
                conversation_id=conversation.pk,
                store_id=conversation.store_id,
                seq=posted.event.seq,
                author_kind=author_kind,
                author_id=author.pk if author is not None and author_kind == "agent" else None,
            )
        )
    return posted


def _preview(body: str, attachment: Attachment | None) -> str:
    text = " ".join(body.split())
    if not text and attachment is not None:
        text = f"📎 {attachment.name}"
    return text[:PREVIEW_LENGTH]


def post_note(
    conversation: Conversation, *, author: User, body: str, client_id: str = ""
) -> Posted:
    """An internal note: seen by the store's agents, never by the visitor."""
    _check_agent(conversation.store, author)
    body = _check_body(body, attachment=None)
    client_id = _check_client_id(client_id)
    result: list[Posted] = []

    def change(locked: Conversation) -> list[ConversationEvent]:
        existing = _retry_of(locked, client_id, kind=EventKind.NOTE, author_kind=AuthorKind.AGENT)
        if existing is not None:
            result.append(Posted(existing, False))
            return []
        event = _new_event(
            locked,
            kind=EventKind.NOTE,
            author_kind=AuthorKind.AGENT,
            author=author,
            body=body,
            client_id=client_id,
        )
        result.append(Posted(event, True))
        return [event]

    _change(conversation, change, list_changed=False, client_id=client_id)
    posted = result[0]
    if posted.created:
        publish(
            events.NotePosted(
                conversation_id=conversation.pk,
                store_id=conversation.store_id,
                seq=posted.event.seq,
                author_id=author.pk,
            )
        )
    return posted


def post_system(
    conversation: Conversation,
    *,
    body: str,
    data: dict[str, object],
    visible: bool = True,
    client_id: str = "",
) -> Posted:
    """A message by the system (the answer bot, callbacks): `visible` to the customer as a
    message, or for the agents only as a note. `data` says what it is (e.g. {"bot": ...}).
    Not a human reply: first-response figures and unread counters stay as they are."""
    body = _check_body(body, attachment=None)
    client_id = _check_client_id(client_id)
    kind = EventKind.MESSAGE if visible else EventKind.NOTE
    result: list[Posted] = []

    def change(locked: Conversation) -> list[ConversationEvent]:
        existing = _retry_of(locked, client_id, kind=kind, author_kind=AuthorKind.SYSTEM)
        if existing is not None:
            result.append(Posted(existing, False))
            return []
        event = _new_event(
            locked,
            kind=kind,
            author_kind=AuthorKind.SYSTEM,
            body=body,
            client_id=client_id,
            data=data,
        )
        if visible:
            locked.last_message_at = timezone.now()
            locked.last_message_preview = _preview(body, None)
            locked.last_message_author = AuthorKind.SYSTEM
        result.append(Posted(event, True))
        return [event]

    _change(conversation, change, list_changed=False, client_id=client_id)
    return result[0]


def _check_agent(store: Store, user: User | None) -> None:
    if user is None or not Membership.objects.filter(store=store, user=user).exists():
        raise ValidationError(_("Only the store's team can do this."), code="forbidden")


# Status, assignment, labels, priority -----------------------------------------------------------


def set_status(
    conversation: Conversation,
    status: str,
    *,
    actor: User | None = None,
    snoozed_until: datetime | None = None,
) -> ConversationEvent | None:
    """Move the conversation to `status`; None when it already was there (no event)."""
    if status not in Status.values:
        raise ValidationError(_("Unknown status."), code="invalid")
    if actor is not None:
        _check_agent(conversation.store, actor)
    if status == Status.SNOOZED and (snoozed_until is None or snoozed_until <= timezone.now()):
        raise ValidationError(_("Snooze until a time in the future."), code="invalid")
    old: list[str] = []

    def change(locked: Conversation) -> list[ConversationEvent]:
        if locked.status == status and (
            status != Status.SNOOZED or locked.snoozed_until == snoozed_until
        ):
            return []
        old.append(locked.status)
        data: dict[str, object] = {"from": locked.status, "to": status}
        if snoozed_until is not None and status == Status.SNOOZED:
            data["until"] = snoozed_until.isoformat()
        event = _new_event(
            locked,
            kind=EventKind.STATUS,
            author_kind=AuthorKind.AGENT if actor is not None else AuthorKind.SYSTEM,
            author=actor,
            data=data,
        )
        locked.status = status
        locked.snoozed_until = snoozed_until if status == Status.SNOOZED else None
        if status == Status.RESOLVED:
            locked.resolved_at = timezone.now()
        return [event]

    new_events = _change(conversation, change, list_changed=True)
    if not new_events:
        return None
    publish(
        events.ConversationStatusChanged(
            conversation_id=conversation.pk,
            store_id=conversation.store_id,
            old_status=old[0],
            new_status=status,
            actor_id=actor.pk if actor is not None else None,
        )
    )
    return new_events[0]


def resolve(conversation: Conversation, *, actor: User | None = None) -> ConversationEvent | None:
    return set_status(conversation, Status.RESOLVED, actor=actor)


def reopen(conversation: Conversation, *, actor: User | None = None) -> ConversationEvent | None:
    return set_status(conversation, Status.OPEN, actor=actor)


def snooze(
    conversation: Conversation, until: datetime, *, actor: User | None = None
) -> ConversationEvent | None:
    return set_status(conversation, Status.SNOOZED, actor=actor, snoozed_until=until)


def wake_snoozed(now: datetime | None = None) -> int:
    """Reopen every conversation whose snooze has run out; returns how many."""
    now = now or timezone.now()
    woken = 0
    due = Conversation.objects.filter(status=Status.SNOOZED, snoozed_until__lte=now)
    for conversation in due.select_related("store")[:500]:
        if set_status(conversation, Status.OPEN) is not None:
            woken += 1
    return woken


def assign(
    conversation: Conversation, assignee: User | None, *, actor: User | None = None
) -> ConversationEvent | None:
    """Give the conversation to `assignee` (a member of its store), or to nobody (None).

    `actor` None means the system (auto-assignment). None is returned when nothing changed.
    """
    if assignee is not None:
        _check_agent(conversation.store, assignee)
    if actor is not None:
        _check_agent(conversation.store, actor)
    previous: list[int | None] = []

    def change(locked: Conversation) -> list[ConversationEvent]:
        new_id = assignee.pk if assignee is not None else None
        if locked.assignee_id == new_id:
            return []
        previous.append(locked.assignee_id)
        event = _new_event(
            locked,
            kind=EventKind.ASSIGNMENT,
            author_kind=AuthorKind.AGENT if actor is not None else AuthorKind.SYSTEM,
            author=actor,
            data={
                "from": locked.assignee_id,
                "to": new_id,
                "to_name": str(assignee) if assignee is not None else "",
            },
        )
        locked.assignee = assignee
        return [event]

    new_events = _change(conversation, change, list_changed=True)
    if not new_events:
        return None
    publish(
        events.ConversationAssigned(
            conversation_id=conversation.pk,
            store_id=conversation.store_id,
            assignee_id=assignee.pk if assignee is not None else None,
            previous_assignee_id=previous[0],
            actor_id=actor.pk if actor is not None else None,
        )
    )
    return new_events[0]


def unassign(conversation: Conversation, *, actor: User | None = None) -> ConversationEvent | None:
    return assign(conversation, None, actor=actor)


def create_label(store: Store, name: str, *, color: str = "#6b7280") -> Label:
    name = " ".join(name.split())[:60]
    if not name:
        raise ValidationError(_("A label needs a name."), code="invalid")
    label, _created = Label.objects.get_or_create(store=store, name=name, defaults={"color": color})
    return label


def set_labels(
    conversation: Conversation, labels: Iterable[Label], *, actor: User | None = None
) -> ConversationEvent | None:
    """Make the conversation's labels exactly `labels` (all of its store)."""
    wanted = {label.pk: label for label in labels}
    if any(label.store_id != conversation.store_id for label in wanted.values()):
        raise ValidationError(_("Unknown label."), code="not_found")
    if actor is not None:
        _check_agent(conversation.store, actor)

    def change(locked: Conversation) -> list[ConversationEvent]:
        current = set(locked.labels.values_list("pk", flat=True))
        if current == set(wanted):
            return []
        locked.labels.set(list(wanted.values()))
        event = _new_event(
            locked,
            kind=EventKind.LABELS,
            author_kind=AuthorKind.AGENT if actor is not None else AuthorKind.SYSTEM,
            author=actor,
            data={
                "added": sorted(set(wanted) - current),
                "removed": sorted(current - set(wanted)),
                "labels": sorted(label.name for label in wanted.values()),
            },
        )
        return [event]

    new_events = _change(conversation, change, list_changed=True)
    return new_events[0] if new_events else None


def add_label(
    conversation: Conversation, label: Label, *, actor: User | None = None
) -> ConversationEvent | None:
    current = list(conversation.labels.all())
    if label in current:
        return None
    return set_labels(conversation, [*current, label], actor=actor)


def remove_label(
    conversation: Conversation, label: Label, *, actor: User | None = None
) -> ConversationEvent | None:
    return set_labels(
        conversation, [x for x in conversation.labels.all() if x.pk != label.pk], actor=actor
    )


def set_priority(
    conversation: Conversation, priority: int, *, actor: User | None = None
) -> ConversationEvent | None:
    if priority not in Priority.values:
        raise ValidationError(_("Unknown priority."), code="invalid")
    if actor is not None:
        _check_agent(conversation.store, actor)

    def change(locked: Conversation) -> list[ConversationEvent]:
        if locked.priority == priority:
            return []
        event = _new_event(
            locked,
            kind=EventKind.PRIORITY,
            author_kind=AuthorKind.AGENT if actor is not None else AuthorKind.SYSTEM,
            author=actor,
            data={"from": locked.priority, "to": priority},
        )
        locked.priority = priority
        return [event]

    new_events = _change(conversation, change, list_changed=True)
    return new_events[0] if new_events else None


# Receipts -----------------------------------------------------------------------------------


def mark_read(
    conversation: Conversation, *, side: str, seq: int, user: User | None = None
) -> ConversationEvent | None:
    """`side` ("visitor" or "agent") has seen every event up to `seq`.

    The cursor only moves forward. A `receipt` event is logged when the move covers a message
    of the other side, so the sender can show "seen"; otherwise only the cursor moves.
    """
    if side not in (AuthorKind.VISITOR, AuthorKind.AGENT):
        raise ValidationError(_("Unknown side."), code="invalid")
    if side == AuthorKind.AGENT:
        _check_agent(conversation.store, user)
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
        raise ValidationError(_("seq must be a whole number."), code="invalid")
    cursor = "visitor_read_seq" if side == AuthorKind.VISITOR else "agent_read_seq"
    other = AuthorKind.AGENT if side == AuthorKind.VISITOR else AuthorKind.VISITOR
    if getattr(conversation, cursor) >= seq:
        return None
    moved: list[int] = []

    def change(locked: Conversation) -> list[ConversationEvent]:
        old = getattr(locked, cursor)
        new = min(seq, locked.last_seq)
        if new <= old:
            return []
        moved.append(new)
        setattr(locked, cursor, new)
        delivered = "visitor_delivered_seq" if side == AuthorKind.VISITOR else "agent_delivered_seq"
        setattr(locked, delivered, max(getattr(locked, delivered), new))
        covered = ConversationEvent.objects.filter(
            conversation=locked,
            kind=EventKind.MESSAGE,
            author_kind=other,
            seq__gt=old,
            seq__lte=new,
        ).exists()
        if side == AuthorKind.AGENT:
            first_unseen = (
                ConversationEvent.objects.filter(
                    conversation=locked,
                    kind=EventKind.MESSAGE,
                    author_kind=AuthorKind.VISITOR,
                    seq__gt=new,
                )
                .order_by("seq")
                .values_list("created_at", flat=True)
                .first()
            )
            locked.unseen_since = first_unseen
        if not covered:
            locked.save()
            return []
        return [
            _new_event(
                locked,
                kind=EventKind.RECEIPT,
                author_kind=side,
                author=user if side == AuthorKind.AGENT else None,
                data={"side": side, "read_seq": new},
            )
        ]

    new_events = _change(conversation, change, list_changed=False)
    if moved:
        publish(
            events.ConversationRead(
                conversation_id=conversation.pk,
                store_id=conversation.store_id,
                side=side,
                seq=moved[0],
                user_id=user.pk if user is not None else None,
            )
        )
    return new_events[0] if new_events else None


def mark_delivered(conversation: Conversation, *, side: str, seq: int) -> bool:
    """`side` has received every event up to `seq`: moves the cursor (no event; a transient
    receipt frame tells the other side). True when the cursor moved."""
    if side not in (AuthorKind.VISITOR, AuthorKind.AGENT):
        raise ValidationError(_("Unknown side."), code="invalid")
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
        raise ValidationError(_("seq must be a whole number."), code="invalid")
    cursor = "visitor_delivered_seq" if side == AuthorKind.VISITOR else "agent_delivered_seq"
    moved = Conversation.objects.filter(
        pk=conversation.pk, **{f"{cursor}__lt": seq, "last_seq__gte": seq}
    ).update(**{cursor: seq})
    if moved:
        setattr(conversation, cursor, seq)
        transaction.on_commit(
            lambda: fanout.send(
                fanout.conversation_group(conversation.pk),
                {
                    "type": "chat.receipt",
                    "frame": {
                        "type": "receipt",
                        "conversation": conversation.pk,
                        "side": side,
                        "delivered": seq,
                    },
                },
            )
        )
    return bool(moved)


# Attachments ----------------------------------------------------------------------------------

_MAGIC: list[tuple[bytes, int, str]] = [
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"%PDF-", 0, "application/pdf"),
]


def sniff_content_type(head: bytes) -> str | None:
    """The allowed type the first bytes of a file show, whatever its name says; None if none."""
    for magic, offset, content_type in _MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def save_attachment(
    store: Store,
    upload: UploadedFile,
    *,
    visitor: Visitor | None = None,
    user: User | None = None,
) -> Attachment:
    """Store an upload after checking its size (10 MB) and type (JPEG, PNG, GIF, WebP or PDF,
    told by its first bytes, not its name). Raises ValidationError with code `too_large` or
    `unsupported_type` (params: the limit, the allowed types)."""
    if visitor is None and user is None:
        raise ValidationError(_("An attachment needs an uploader."), code="invalid")
    if visitor is not None and visitor.store_id != store.pk:
        raise ValidationError(_("Unknown visitor."), code="not_found")
    if user is not None:
        _check_agent(store, user)
    size = upload.size or 0
    if size > ATTACHMENT_LIMIT:
        raise ValidationError(
            _("A file may be at most %(limit)s MB.") % {"limit": ATTACHMENT_LIMIT // (1024 * 1024)},
            code="too_large",
            params={"limit": ATTACHMENT_LIMIT},
        )
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff_content_type(head)
    if content_type is None:
        raise ValidationError(
            _("Only images (JPEG, PNG, GIF, WebP) and PDF files can be sent."),
            code="unsupported_type",
            params={"allowed": ", ".join(ATTACHMENT_TYPES)},
        )
    extension = ATTACHMENT_TYPES[content_type]
    stem = (upload.name or "file").rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0]
    name = f"{stem[:150] or 'file'}.{extension}"
    attachment = Attachment(
        store=store,
        name=name,
        content_type=content_type,
        size=size,
        visitor=visitor,
        uploaded_by=user,
    )
    attachment.file.save(
        f"{timezone.now():%Y%m%d%H%M%S}-{store.pk}.{extension}", upload, save=False
    )
    attachment.save()
    return attachment


def attachment_for(store: Store, attachment_id: int) -> Attachment | None:
    return scoped(Attachment, store).filter(pk=attachment_id).first()
