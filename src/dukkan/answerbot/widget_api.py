"""What the chat widget asks the support tools: the one-tap "talk to a person", "did this
solve it?", the customer's place in the queue and the honest wait, callback requests and
ratings. Language-neutral and cross-origin like the widget's own endpoints (`/callbacks/…`),
origin-checked per store by `widget.views.public`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from dukkan.answerbot import selectors, services
from dukkan.answerbot.mail import conversation_from_rating_token
from dukkan.answerbot.models import SessionState
from dukkan.core.models import Store
from dukkan.core.templatetags.dukkan import lnumber
from dukkan.hours.selectors import calendar_for, say_moment
from dukkan.support.models import Conversation, Status, Visitor
from dukkan.support.selectors import conversation_for_visitor, visitor_from_token
from dukkan.widget import services as widget_services
from dukkan.widget.views import (
    BadRequest,
    _client_ip,
    _json_body,
    _text,
    _unauthorised,
    error,
    public,
)

CALLBACKS_PER_VISITOR = 3  # per hour
CALLBACKS_PER_ADDRESS = 10  # per hour
CALLBACK_WINDOW = 3600


def texts() -> dict[str, str]:
    """The widget's words for these features (merged into widget.texts)."""
    return {
        "talk_to_person": _("Talk to a person"),
        "automatic": _("Automatic answer"),
        "read_more": _("Read the article"),
        "solved_q": _("Did this solve it?"),
        "yes": _("Yes"),
        "no": _("No"),
        "callback": _("Request a callback"),
        "callback_intro": _("Leave your number and we will call you back."),
        "topic": _("What is it about?"),
        "window_from": _("Call me from (optional)"),
        "window_to": _("until"),
        "book": _("Book the callback"),
        "cancel": _("Cancel"),
        "booked": _("Callback booked. We will call %(phone)s by %(when)s (store time)."),
        "rate_q": _("How did we do?"),
        "rate_comment": _("Anything to add? (optional)"),
        "rate_send": _("Send the rating"),
        "rated": _("Thank you for your rating."),
        "rate_star": _("%(score)s of 5"),
    }


def _hours(store: Store, language: str) -> dict[str, Any]:
    now = timezone.now()
    calendar = calendar_for(store, at=now)
    is_open = calendar.is_open(now)
    back = None if is_open else calendar.next_open(now)
    return {
        "open": is_open,
        "back_at": back.isoformat() if back else None,
        "back_text": (
            _("We are away right now; we are back %(when)s (store time).")
            % {"when": say_moment(back, store, language)}
            if back
            else (_("We are away right now.") if not is_open else "")
        ),
    }


def config(store: Store, language: str) -> dict[str, Any]:
    """The widget config's `support` part."""
    return {
        "bot": selectors.bot_enabled(store),
        "api": f"/callbacks/{store.slug}/",
        **_hours(store, language),
    }


def _minutes(seconds: int) -> str:
    return lnumber(max(1, round(seconds / 60)))


def wait_text(conversation: Conversation, language: str) -> tuple[dict[str, Any], str]:
    """The queue figures and the sentence the customer reads; never a made-up number."""
    wait = selectors.wait_for(conversation)
    figures = {
        "position": wait.position,
        "agents_online": wait.agents_online,
        "free_places": wait.free_places,
        "handling_seconds": wait.handling_seconds,
        "seconds": wait.seconds,
    }
    if not wait.position:
        return figures, ""
    place = lnumber(wait.position)
    if wait.seconds == 0:
        text = _(
            "You are number %(position)s in the queue; a person will be with you in a moment."
        ) % {"position": place}
    elif wait.seconds is not None:
        text = _(
            "You are number %(position)s in the queue. Estimated wait: about %(minutes)s min "
            "(%(agents)s people online)."
        ) % {
            "position": place,
            "minutes": _minutes(wait.seconds),
            "agents": lnumber(wait.agents_online),
        }
    elif not wait.agents_online:
        text = _(
            "You are number %(position)s in the queue. Nobody is online right now, so we cannot "
            "say how long it will take; we will answer here and by email."
        ) % {"position": place}
    else:
        text = _(
            "You are number %(position)s in the queue. We do not have enough recent figures to "
            "estimate the wait."
        ) % {"position": place}
    return figures, text


def status(conversation: Conversation | None, store: Store, language: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "conversation": conversation.pk if conversation else None,
        **_hours(store, language),
    }
    if conversation is None:
        return {**body, "state": "none", "queue": None, "text": ""}
    session = selectors.session_of(conversation)
    if conversation.assignee_id is not None:
        state = "human"
    elif session is not None:
        state = session.state
    else:
        state = "bot" if selectors.held_by_bot(conversation) else SessionState.WAITING
    figures, text = wait_text(conversation, language) if state == SessionState.WAITING else ({}, "")
    rated = hasattr(conversation, "rating") and conversation.rating is not None
    return {
        **body,
        "state": state,
        "status": conversation.status,
        "queue": figures or None,
        "text": text,
        "rate": conversation.status == Status.RESOLVED
        and conversation.assignee_id is not None
        and not rated,
    }


def _visitor_and_conversation(
    store: Store, data: dict[str, Any], *, required: bool
) -> tuple[Visitor, Conversation | None] | JsonResponse:
    visitor = visitor_from_token(store, _text(data, "token", 500))
    if visitor is None:
        return _unauthorised()
    raw = data.get("conversation")
    if raw in (None, "", 0):
        if required:
            return error("not_found", _("There is no such conversation."), 404)
        return visitor, None
    conversation = conversation_for_visitor(visitor, raw)
    if conversation is None:
        return error("not_found", _("There is no such conversation."), 404)
    return visitor, conversation


def _language() -> str:
    return (translation.get_language() or "en")[:2]


@public(["GET"])
def support_status(request: HttpRequest, store: Store) -> HttpResponse:
    found = _visitor_and_conversation(store, dict(request.GET.items()), required=False)
    if isinstance(found, JsonResponse):
        return found
    visitor, conversation = found
    if conversation is None:
        conversation = (
            Conversation.objects.filter(visitor=visitor)
            .exclude(status=Status.RESOLVED)
            .order_by("-pk")
            .first()
        )
    return JsonResponse(status(conversation, store, _language()))


@public(["POST"])
def talk_to_person(request: HttpRequest, store: Store) -> HttpResponse:
    try:
        data = _json_body(request)
    except BadRequest as bad:
        return bad.response
    found = _visitor_and_conversation(store, data, required=False)
    if isinstance(found, JsonResponse):
        return found
    visitor, conversation = found
    if conversation is not None and conversation.status == Status.RESOLVED:
        conversation = None  # a closed chat: the person gets a fresh one
    conversation = services.talk_to_person(visitor, conversation)
    conversation.refresh_from_db()
    return JsonResponse(status(conversation, store, _language()))


@public(["POST"])
def feedback(request: HttpRequest, store: Store) -> HttpResponse:
    try:
        data = _json_body(request)
    except BadRequest as bad:
        return bad.response
    solved = data.get("solved")
    if not isinstance(solved, bool):
        return error("invalid", _("Say yes or no."), 400, field="solved")
    found = _visitor_and_conversation(store, data, required=True)
    if isinstance(found, JsonResponse):
        return found
    _visitor, conversation = found
    assert conversation is not None
    outcome = services.feedback(conversation, solved=solved)
    conversation.refresh_from_db()
    return JsonResponse({"outcome": outcome, **status(conversation, store, _language())})


def _moment(data: dict[str, Any], key: str) -> datetime | None:
    value = _text(data, key, 40)
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as invalid:
        raise BadRequest(
            error(
                "invalid",
                _("Give the time as a date and time."),
                400,
                fields={"window": _("Give the time as a date and time.")},
            )
        ) from invalid
    if timezone.is_naive(moment):
        raise BadRequest(
            error(
                "invalid",
                _("Give the time with its time zone."),
                400,
                fields={"window": _("Give the time with its time zone.")},
            )
        )
    return moment


@public(["POST"])
def request_callback(request: HttpRequest, store: Store) -> HttpResponse:
    from dukkan.callbacks import services as callbacks
    from dukkan.callbacks.phone import display_phone

    try:
        data = _json_body(request)
        window_start = _moment(data, "window_start")
        window_end = _moment(data, "window_end")
        fields = {
            key: _text(data, key, 600) for key in ("phone", "topic", "name", "email", "client_id")
        }
    except BadRequest as bad:
        return bad.response
    found = _visitor_and_conversation(store, data, required=False)
    if isinstance(found, JsonResponse):
        return found
    visitor, conversation = found
    language = _language()
    try:
        widget_services.hit(
            f"callback:v:{visitor.pk}", limit=CALLBACKS_PER_VISITOR, window=CALLBACK_WINDOW
        )
        widget_services.hit(
            f"callback:ip:{_client_ip(request)}",
            limit=CALLBACKS_PER_ADDRESS,
            window=CALLBACK_WINDOW,
        )
    except widget_services.RateLimited as limited:
        return error(
            "rate_limited",
            _(
                "You have asked for several callbacks already. Try again in %(minutes)s minutes; your details are kept in the form."
            )
            % {"minutes": lnumber(max(1, limited.retry_after // 60))},
            429,
            retry_after=limited.retry_after,
        )
    try:
        booking = callbacks.request_callback(
            store,
            phone=fields["phone"],
            topic=fields["topic"],
            name=fields["name"] or visitor.name,
            email=fields["email"] or visitor.email,
            window_start=window_start,
            window_end=window_end,
            language=language,
            visitor=visitor,
            conversation=conversation,
            client_id=fields["client_id"][:64],
        )
    except ValidationError as invalid:
        messages = (
            invalid.message_dict if hasattr(invalid, "error_dict") else {"": invalid.messages}
        )
        fields_errors = {key: " ".join(value) for key, value in messages.items()}
        return error("invalid", " ".join(fields_errors.values()), 400, fields=fields_errors)
    row = booking.request
    return JsonResponse(
        {
            "id": row.pk,
            "phone": display_phone(row.phone),
            "deadline": row.deadline.isoformat(),
            "deadline_text": say_moment(row.deadline, store, language),
        },
        status=201 if booking.created else 200,
    )


@public(["POST"])
def rate(request: HttpRequest, store: Store) -> HttpResponse:
    try:
        data = _json_body(request)
        comment = _text(data, "comment", 2100)
    except BadRequest as bad:
        return bad.response
    found = _visitor_and_conversation(store, data, required=True)
    if isinstance(found, JsonResponse):
        return found
    _visitor, conversation = found
    assert conversation is not None
    try:
        rating = services.rate(conversation, score=data.get("score"), comment=comment, via="widget")
    except ValidationError as invalid:
        return error(invalid.code or "invalid", " ".join(invalid.messages), 400)
    return JsonResponse({"score": rating.score})


@csrf_exempt  # the signed link is the credential; the form posts back to itself
@require_http_methods(["GET", "POST"])
def rate_by_email(request: HttpRequest, store_slug: str, token: str) -> HttpResponse:
    language = str(request.GET.get("lang") or "")[:2]
    conversation = conversation_from_rating_token(token)
    if conversation is None or conversation.store.slug != store_slug:
        language = language if language in ("ar", "fa", "en") else "en"
        with translation.override(language):
            return render(
                request,
                "answerbot/rate_page.html",
                {"invalid": True, "language": language},
                status=404,
            )
    language = language if language in ("ar", "fa", "en") else conversation.store.default_language
    context: dict[str, Any] = {
        "store": conversation.store,
        "language": language,
        "scores": range(1, 6),
    }
    status_code = 200
    with translation.override(language):
        if request.method == "POST":
            try:
                services.rate(
                    conversation,
                    score=request.POST.get("score"),
                    comment=request.POST.get("comment", ""),
                    via="email",
                )
                context["done"] = True
            except ValidationError as invalid:
                context["error"] = " ".join(invalid.messages)
                context["comment"] = request.POST.get("comment", "")
                status_code = 400
        return render(request, "answerbot/rate_page.html", context, status=status_code)
