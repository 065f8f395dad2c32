"""Callback requests: book one (validated, with a deadline by the store's policy), record
attempts, remind the agent before it is due and escalate, once, when it is overdue.

`sweep(now)` is the periodic job's work; `now` may be given (tests, the benchmark's clock).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dukkan.accounts.models import Membership, Role, User
from dukkan.answerbot.mail import send_text
from dukkan.callbacks.models import (
    CallbackAttempt,
    CallbackRequest,
    CallbackSettings,
    CallbackStatus,
    Outcome,
    Source,
)
from dukkan.callbacks.phone import display_phone, normalise_phone, store_region
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.hours.selectors import calendar_for, say_moment
from dukkan.support import services as support
from dukkan.support.models import Conversation, Visitor

logger = logging.getLogger(__name__)

TOPIC_LIMIT = 500
WINDOW_AHEAD = timedelta(days=30)  # the latest a window may end


def callback_settings(store: Store) -> CallbackSettings:
    found = scoped(CallbackSettings, store).first()
    return found if found is not None else CallbackSettings(store=store)


def update_settings(store: Store, **values: int) -> CallbackSettings:
    found = callback_settings(store)
    for name, value in values.items():
        setattr(found, name, value)
    found.full_clean()
    found.save()
    return found


def _language(code: str, store: Store) -> str:
    code = (code or "")[:2]
    return code if code in ("ar", "fa", "en") else store.default_language


def _choose_agent(store: Store, language: str, team_id: int | None) -> User | None:
    """The least-loaded person of the team who speaks the language, else of anyone who does,
    else of the team, else of the store's staff."""
    from dukkan.answerbot.models import Team
    from dukkan.answerbot.selectors import agent_languages

    staff = list(
        scoped(Membership, store)
        .select_related("user")
        .filter(user__is_active=True)
        .order_by("created_at")
    )
    load = dict(
        scoped(CallbackRequest, store)
        .filter(status=CallbackStatus.SCHEDULED, assignee__isnull=False)
        .values_list("assignee")
        .annotate(n=Count("pk"))
    )
    speaks = {uid for uid, langs in agent_languages(store).items() if language in langs}
    team = scoped(Team, store).filter(pk=team_id).first() if team_id else None
    members = set(team.members.values_list("pk", flat=True)) if team else set()
    agents = [m.user for m in staff if m.role == Role.AGENT] or [m.user for m in staff]
    for group in (
        [u for u in agents if u.pk in members and u.pk in speaks],
        [u for u in agents if u.pk in speaks],
        [u for u in agents if u.pk in members],
        agents,
    ):
        if group:
            return min(group, key=lambda u: (load.get(u.pk, 0), u.pk))
    return None


@dataclass(frozen=True)
class Booking:
    request: CallbackRequest
    created: bool


def request_callback(
    store: Store,
    *,
    phone: str,
    topic: str,
    name: str = "",
    email: str = "",
    window_start: datetime | None = None,
    window_end: datetime | None = None,
    language: str = "",
    source: str = Source.WIDGET,
    visitor: Visitor | None = None,
    conversation: Conversation | None = None,
    client_id: str = "",
    now: datetime | None = None,
) -> Booking:
    """Book a callback. Errors (ValidationError with a message per field) say what to fix, in
    the active language; nothing is written unless everything is right."""
    from dukkan.answerbot.selectors import team_for_language

    now = now or timezone.now()
    language = _language(language, store)
    errors: dict[str, str] = {}
    e164 = ""
    try:
        e164 = normalise_phone(phone, store_region(store))
    except ValidationError as invalid:
        errors["phone"] = " ".join(invalid.messages)
    topic = (topic or "").strip()
    if not topic:
        errors["topic"] = _("Tell us briefly what the call is about.")
    elif len(topic) > TOPIC_LIMIT:
        errors["topic"] = _("Keep the topic under %(limit)s characters.") % {"limit": TOPIC_LIMIT}
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("This email address does not look right.")
    if source not in Source.values:
        errors["source"] = _("Unknown source.")
    settings = callback_settings(store)
    team = team_for_language(store, language)
    calendar = calendar_for(store, team.business_hours if team else None, at=now)
    deadline: datetime | None = None
    if (window_start is None) != (window_end is None):
        errors["window"] = _("Give both the start and the end of the time window, or neither.")
    elif window_start is not None and window_end is not None:
        if window_end <= window_start:
            errors["window"] = _("The time window ends before it starts.")
        elif window_end <= now:
            errors["window"] = _("This time window is in the past. Choose a time from now on.")
        elif window_end > now + WINDOW_AHEAD:
            errors["window"] = _("Choose a time within the next 30 days.")
        elif calendar.open_between(max(window_start, now), window_end) < timedelta(minutes=15):
            back = calendar.next_open(max(window_start, now))
            errors["window"] = (
                _("We are not working at that time. We are open next %(when)s.")
                % {"when": say_moment(back, store, language)}
                if back
                else _("We are not working at that time.")
            )
        else:
            deadline = window_end
    if deadline is None and "window" not in errors:
        deadline = calendar.add(now, timedelta(hours=settings.within_hours)) or (
            now + timedelta(hours=settings.within_hours)
        )
    if errors:
        raise ValidationError(errors)
    assert deadline is not None
    if client_id:
        existing = scoped(CallbackRequest, store).filter(client_id=client_id).first()
        if existing is not None:
            return Booking(existing, False)
    assignee = _choose_agent(store, language, team.pk if team else None)
    try:
        with transaction.atomic():
            request = CallbackRequest.objects.create(
                store=store,
                conversation=conversation,
                visitor=visitor,
                name=(name or "").strip()[:200],
                email=email,
                phone=e164,
                topic=topic,
                language=language,
                source=source,
                window_start=window_start,
                window_end=window_end,
                deadline=deadline,
                team=team,
                assignee=assignee,
                client_id=client_id[:64],
            )
            if conversation is not None:
                _timeline(request, _("Callback requested"), visible=True)
    except IntegrityError:
        existing = scoped(CallbackRequest, store).filter(client_id=client_id).first()
        if existing is None:
            raise
        return Booking(existing, False)
    transaction.on_commit(lambda: _tell_customer(request, "scheduled"))
    return Booking(request, True)


def _timeline(request: CallbackRequest, title: str, *, visible: bool = False) -> None:
    """A line on the conversation's timeline: agents always, the customer when `visible`."""
    conversation = request.conversation
    if conversation is None:
        return
    store = request.store
    with translation.override(request.language if visible else store.default_language):
        body = _("%(title)s: %(phone)s, by %(deadline)s (store time).") % {
            "title": title,
            "phone": display_phone(request.phone),
            "deadline": say_moment(
                request.deadline, store, request.language if visible else store.default_language
            ),
        }
    support.post_system(
        conversation,
        body=body,
        visible=visible,
        data={
            "callback": {
                "id": request.pk,
                "status": request.status,
                "deadline": request.deadline.isoformat(),
                "phone": request.phone,
            }
        },
    )


def _tell_customer(request: CallbackRequest, what: str) -> None:
    if not request.email:
        return
    store = request.store
    with translation.override(request.language):
        when = say_moment(request.deadline, store, request.language)
        phone = display_phone(request.phone)
        if what == "scheduled":
            subject = _("Your callback from %(store)s is booked") % {"store": store.name}
            lines = [
                _("We will call you at %(phone)s by %(when)s (store time).")
                % {"phone": phone, "when": when},
                _("Topic: %(topic)s") % {"topic": request.topic},
            ]
        else:
            subject = _("About your callback from %(store)s") % {"store": store.name}
            outcome = Outcome(what).label
            lines = [
                _("We tried to call you at %(phone)s: %(outcome)s.")
                % {"phone": phone, "outcome": outcome}
            ]
            if request.status == CallbackStatus.SCHEDULED:
                lines.append(_("We will try again by %(when)s (store time).") % {"when": when})
    try:
        send_text(request.email, subject, lines)
    except Exception:  # the booking stands; the mail is not what the customer relies on
        logger.exception("callback email to the customer failed", extra={"callback": request.pk})


def record_attempt(
    request: CallbackRequest,
    *,
    outcome: str,
    agent: User | None,
    note: str = "",
    now: datetime | None = None,
) -> CallbackRequest:
    """An agent's call: reached and resolved close it; no answer schedules the next attempt
    (a new deadline, reminded and escalated afresh); a wrong number closes it as failed."""
    if outcome not in Outcome.values:
        raise ValidationError(_("Choose what happened on the call."), code="invalid")
    if len(note or "") > 500:
        raise ValidationError(_("Keep the note under 500 characters."), code="too_long")
    now = now or timezone.now()
    store = request.store
    with transaction.atomic():
        locked = CallbackRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != CallbackStatus.SCHEDULED:
            raise ValidationError(_("This callback is already closed."), code="closed")
        CallbackAttempt.objects.create(
            store=store,
            request=locked,
            agent=agent,
            outcome=outcome,
            note=(note or "")[:500],
            created_at=now,
        )
        locked.attempts += 1
        if outcome in (Outcome.REACHED, Outcome.RESOLVED):
            locked.status = CallbackStatus.DONE
            locked.done_at = now
        elif (
            outcome == Outcome.WRONG_NUMBER
            or locked.attempts >= callback_settings(store).max_attempts
        ):
            locked.status = CallbackStatus.FAILED
            locked.done_at = now
        else:
            retry = timedelta(hours=callback_settings(store).retry_hours)
            locked.deadline = calendar_for(store, at=now).add(now, retry) or now + retry
            locked.reminded_at = None
            locked.escalated_at = None
        locked.save()
        with translation.override(store.default_language):
            _timeline(
                locked, _("Callback attempt: %(outcome)s") % {"outcome": Outcome(outcome).label}
            )
        if outcome == Outcome.RESOLVED and locked.conversation is not None:
            support.resolve(locked.conversation, actor=agent)
    transaction.on_commit(lambda: _tell_customer(locked, outcome))
    return locked


def reassign(request: CallbackRequest, agent: User) -> CallbackRequest:
    if not scoped(Membership, request.store).filter(user=agent).exists():
        raise ValidationError(_("Only people on the store's team can be members."), code="invalid")
    request.assignee = agent
    request.save(update_fields=["assignee"])
    return request


# -- the periodic job ---------------------------------------------------------------------------


@dataclass
class SweepResult:
    reminded: int = 0
    escalated: int = 0


def _escalation_recipients(request: CallbackRequest) -> list[str]:
    if request.team_id and request.team and request.team.lead and request.team.lead.email:
        return [request.team.lead.email]
    return [
        m.user.email
        for m in scoped(Membership, request.store).select_related("user").filter(role=Role.OWNER)
        if m.user.email
    ]


def sweep(now: datetime | None = None) -> SweepResult:
    """Remind agents of callbacks due soon; escalate each overdue one exactly once (per
    deadline) to its team lead, else the store's owners. Safe to run from many workers: each
    row is claimed under a lock and marked in the same transaction that sends its mail."""
    now = now or timezone.now()
    result = SweepResult()
    open_rows = CallbackRequest.objects.filter(status=CallbackStatus.SCHEDULED)
    for pk in open_rows.filter(deadline__lte=now, escalated_at__isnull=True).values_list(
        "pk", flat=True
    )[:500]:
        with transaction.atomic():
            row = (
                CallbackRequest.objects.select_for_update()
                .filter(
                    pk=pk,
                    status=CallbackStatus.SCHEDULED,
                    escalated_at__isnull=True,
                    deadline__lte=now,
                )
                .first()
            )
            if row is None:
                continue
            row.escalated_at = now
            row.escalations += 1
            row.save(update_fields=["escalated_at", "escalations"])
            _escalate(row, now)
            result.escalated += 1
    soon = open_rows.filter(reminded_at__isnull=True, escalated_at__isnull=True, deadline__gt=now)
    for row in soon.select_related("store", "assignee")[:500]:
        lead = timedelta(minutes=callback_settings(row.store).remind_minutes)
        if row.deadline - lead > now or row.assignee is None or not row.assignee.email:
            continue
        with transaction.atomic():
            claimed = CallbackRequest.objects.filter(pk=row.pk, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if not claimed:
                continue
            _remind(row)
            result.reminded += 1
    return result


def _staff_language(user: User | None, store: Store) -> str:
    code = (getattr(user, "language", "") or "")[:2] if user is not None else ""
    return code if code in ("ar", "fa", "en") else store.default_language


def _callbacks_link(store: Store, language: str) -> str:
    from django.conf import settings
    from django.urls import reverse

    with translation.override(language):
        return settings.DUKKAN_BASE_URL + reverse(
            "callbacks:list", kwargs={"store_slug": store.slug}
        )


def _remind(row: CallbackRequest) -> None:
    store = row.store
    language = _staff_language(row.assignee, store)
    with translation.override(language):
        subject = _("Callback due soon: %(phone)s") % {"phone": display_phone(row.phone)}
        lines = [
            _("Call %(name)s at %(phone)s by %(when)s (store time).")
            % {
                "name": row.name or row.phone,
                "phone": display_phone(row.phone),
                "when": say_moment(row.deadline, store, language),
            },
            _("Topic: %(topic)s") % {"topic": row.topic},
            _callbacks_link(store, language),
        ]
    assert row.assignee is not None
    send_text(row.assignee.email, subject, lines)


def _escalate(row: CallbackRequest, now: datetime) -> None:
    store = row.store
    language = store.default_language
    with translation.override(language):
        subject = _("Overdue callback at %(store)s: %(phone)s") % {
            "store": store.name,
            "phone": display_phone(row.phone),
        }
        lines = [
            _(
                "A callback was due by %(when)s (store time) and nobody has reached the customer yet."
            )
            % {"when": say_moment(row.deadline, store, language)},
            _("Customer: %(name)s, %(phone)s")
            % {"name": row.name or "—", "phone": display_phone(row.phone)},
            _("Assigned to: %(agent)s") % {"agent": str(row.assignee) if row.assignee else "—"},
            _("Topic: %(topic)s") % {"topic": row.topic},
            _callbacks_link(store, language),
        ]
        _timeline(row, _("Callback overdue, escalated"))
    for recipient in _escalation_recipients(row):
        send_text(recipient, subject, lines)
    logger.info("callback escalated", extra={"callback": row.pk, "store_id": store.pk})
