"""The plain-HTTP fallback of the delivery protocol: the same frames, over long-polling.

Visitors authenticate with the `X-Dukkan-Visitor` header (no cookies, hence no CSRF);
agents with their session and, on POST, the CSRF token. See docs/protocol.md.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

from channels.layers import get_channel_layer
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from dukkan.accounts.models import Membership, User
from dukkan.core.models import Store
from dukkan.realtime import presence, protocol
from dukkan.realtime.dbpool import SERVER_ID, run_db
from dukkan.support import fanout, selectors, services
from dukkan.support.models import Attachment, AuthorKind, Conversation, Visitor

POLL_WAIT = 25  # seconds at most
BODY_LIMIT = 64 * 1024
STATUS = {
    "bad_json": 400,
    "bad_frame": 400,
    "unknown_type": 400,
    "empty": 400,
    "client_id_conflict": 409,
    "too_long": 413,
    "frame_too_large": 413,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "rate_limited": 429,
    "unavailable": 503,
}


@dataclass
class Caller:
    store: Store
    visitor: Visitor | None = None
    user: User | None = None

    @property
    def role(self) -> str:
        return AuthorKind.VISITOR if self.visitor is not None else AuthorKind.AGENT


class Refused(Exception):
    def __init__(self, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra


def error_response(code: str, message: str, **extra: Any) -> JsonResponse:
    frame = {"type": "error", "code": code, "message": message}
    frame.update({k: v for k, v in extra.items() if v is not None})
    response = JsonResponse(
        frame, status=STATUS.get(code, 400), json_dumps_params={"ensure_ascii": False}
    )
    if extra.get("retry_after") is not None:
        response["Retry-After"] = str(max(1, round(extra["retry_after"])))
    return response


def _find_caller(store_slug: str, token: str, user: Any) -> Caller | None:
    store = Store.objects.filter(slug=store_slug, is_active=True).first()
    if store is None:
        return None
    if token:
        visitor = selectors.visitor_from_token(store, token)
        return Caller(store, visitor=visitor) if visitor is not None else None
    if isinstance(user, User) and Membership.objects.filter(store=store, user=user).exists():
        return Caller(store, user=user)
    return None


async def _caller(request: HttpRequest, store_slug: str) -> Caller:
    token = request.headers.get("X-Dukkan-Visitor", "")
    user = None if token else await request.auser()
    caller = await run_db(_find_caller, store_slug, token, user)
    if caller is None:
        raise Refused("unauthorized", _("You are not allowed to join this chat."))
    if caller.visitor is None and request.method == "POST":
        rejected = CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, None, (), {})  # type: ignore[arg-type]
        if rejected is not None:
            raise Refused("forbidden", _("The form expired; reload the page."))
    return caller


def _frame(request: HttpRequest) -> dict[str, Any]:
    if len(request.body) > BODY_LIMIT:
        raise Refused(
            "frame_too_large",
            _("A frame may be at most %(limit)s bytes.") % {"limit": BODY_LIMIT},
            limit=BODY_LIMIT,
        )
    try:
        frame = json.loads(request.body or b"{}")
    except ValueError:
        frame = None
    if not isinstance(frame, dict):
        raise Refused("bad_json", _("A frame must be a JSON object."))
    return frame


def _conversation(caller: Caller, conversation_id: Any) -> Conversation:
    conversation = (
        selectors.conversation_for_visitor(caller.visitor, conversation_id)
        if caller.visitor is not None
        else selectors.conversation_for_store(caller.store, conversation_id)
    )
    if conversation is None:
        raise ValidationError(_("There is no such conversation."), code="not_found")
    return conversation


def _language(request: HttpRequest) -> str:
    return protocol.language(
        request.GET.get("lang") or translation.get_language_from_request(request)
    )


async def _handle(request: HttpRequest, store_slug: str, work: Any) -> HttpResponse:
    language = _language(request)
    with translation.override(language):
        try:
            caller = await _caller(request, store_slug)
            return await work(request, caller, language)
        except Refused as refused:
            return error_response(refused.code, refused.message, **refused.extra)
        except protocol.BadFrame as bad:
            return error_response("bad_frame", str(bad), ref=bad.ref)
        except ValidationError as invalid:
            code = invalid.code or "bad_frame"
            known = {"too_long", "empty", "not_found", "forbidden", "client_id_conflict"}
            return error_response(
                code if code in known else "bad_frame",
                " ".join(invalid.messages),
                limit=(invalid.params or {}).get("limit"),
            )
        except DatabaseError:
            return error_response(
                "unavailable",
                _("The message could not be stored just now; send it again."),
                retry_after=1,
            )


def _welcome(caller: Caller) -> dict[str, Any]:
    frame: dict[str, Any] = {
        "type": "welcome",
        "server": SERVER_ID,
        "heartbeat": presence.HEARTBEAT,
        "role": caller.role,
    }
    if caller.visitor is not None:
        services.touch_visitor(caller.visitor)
        frame["conversations"] = [
            {"id": c.pk, "status": c.status, "last_seq": c.last_seq}
            for c in selectors.visitor_conversations(caller.visitor)[:10]
        ]
    else:
        assert caller.user is not None
        frame["user"] = {"id": caller.user.pk, "name": str(caller.user)}
        frame["store"] = caller.store.slug
        frame["presence"] = presence.agent_status(caller.store, caller.user)
    return frame


@csrf_exempt
@never_cache
@require_GET
async def session(request: HttpRequest, store_slug: str) -> HttpResponse:
    async def work(request: HttpRequest, caller: Caller, language: str) -> HttpResponse:
        return JsonResponse(await run_db(_welcome, caller, language=language))

    return await _handle(request, store_slug, work)


def _send(caller: Caller, frame: dict[str, Any]) -> dict[str, Any]:
    client_id = protocol.client_id(frame.get("client_id"))
    body = protocol.text(frame.get("body", ""), "body")
    note = protocol.boolean(frame.get("note", False), "note")
    attachment_id = frame.get("attachment")
    attachment: Attachment | None = None
    if attachment_id is not None:
        attachment = services.attachment_for(
            caller.store, protocol.integer(attachment_id, "attachment")
        )
        owner_ok = attachment is not None and (
            attachment.visitor_id == caller.visitor.pk
            if caller.visitor is not None
            else attachment.visitor_id is None
        )
        if not owner_ok:
            raise ValidationError(_("Unknown attachment."), code="not_found")
    if caller.visitor is not None:
        if note:
            raise ValidationError(_("Visitors cannot write notes."), code="forbidden")
        if frame.get("conversation") is not None:
            conversation = _conversation(
                caller, protocol.integer(frame["conversation"], "conversation")
            )
        else:
            conversation = services.start_or_resume_conversation(caller.visitor)
        retry_after = protocol.visitor_limit(caller.visitor.pk)
        if retry_after:
            raise Refused(
                "rate_limited",
                _("You are sending messages too fast; wait a moment."),
                retry_after=retry_after,
                limit=protocol.VISITOR_MESSAGES,
                ref=client_id,
            )
        posted = services.post_message(
            conversation,
            author_kind=AuthorKind.VISITOR,
            body=body,
            client_id=client_id,
            attachment=attachment,
        )
    else:
        assert caller.user is not None
        conversation = _conversation(
            caller, protocol.integer(frame.get("conversation"), "conversation")
        )
        if note:
            if attachment is not None:
                raise ValidationError(_("Notes cannot carry attachments."), code="forbidden")
            posted = services.post_note(
                conversation, author=caller.user, body=body, client_id=client_id
            )
        else:
            posted = services.post_message(
                conversation,
                author_kind=AuthorKind.AGENT,
                author=caller.user,
                body=body,
                client_id=client_id,
                attachment=attachment,
            )
    return {
        "type": "ack",
        "client_id": posted.event.client_id,
        "conversation": posted.event.conversation_id,
        "seq": posted.event.seq,
        "created_at": posted.event.created_at.isoformat(),
        "duplicate": not posted.created,
    }


@csrf_exempt
@require_POST
async def send(request: HttpRequest, store_slug: str) -> HttpResponse:
    async def work(request: HttpRequest, caller: Caller, language: str) -> HttpResponse:
        frame = _frame(request)
        return JsonResponse(await run_db(_send, caller, frame, language=language))

    return await _handle(request, store_slug, work)


def _receipt(caller: Caller, frame: dict[str, Any], kind: str) -> None:
    conversation = _conversation(
        caller, protocol.integer(frame.get("conversation"), "conversation")
    )
    seq = protocol.seq(frame.get("seq"), "seq")
    if kind == "read":
        services.mark_read(conversation, side=caller.role, seq=seq, user=caller.user)
    else:
        services.mark_delivered(conversation, side=caller.role, seq=seq)


@csrf_exempt
@require_POST
async def read(request: HttpRequest, store_slug: str) -> HttpResponse:
    async def work(request: HttpRequest, caller: Caller, language: str) -> HttpResponse:
        await run_db(_receipt, caller, _frame(request), "read", language=language)
        return JsonResponse({"type": "ok"})

    return await _handle(request, store_slug, work)


@csrf_exempt
@require_POST
async def delivered(request: HttpRequest, store_slug: str) -> HttpResponse:
    async def work(request: HttpRequest, caller: Caller, language: str) -> HttpResponse:
        await run_db(_receipt, caller, _frame(request), "delivered", language=language)
        return JsonResponse({"type": "ok"})

    return await _handle(request, store_slug, work)


@csrf_exempt
@require_POST
async def typing(request: HttpRequest, store_slug: str) -> HttpResponse:
    async def work(request: HttpRequest, caller: Caller, language: str) -> HttpResponse:
        frame = _frame(request)
        conversation = await run_db(
            _conversation, caller, protocol.integer(frame.get("conversation"), "conversation")
        )
        on = protocol.boolean(frame.get("on", True), "on")
        note = caller.user is not None and protocol.boolean(frame.get("note", False), "note")
        if caller.visitor is not None:
            author: dict[str, Any] = {"kind": "visitor", "name": caller.visitor.display_name}
        else:
            assert caller.user is not None
            author = {"kind": "agent", "id": caller.user.pk, "name": str(caller.user)}
        fanout.send(
            fanout.conversation_group(conversation.pk),
            {
                "type": "chat.typing",
                "sender": "",
                "note": note,
                "frame": {
                    "type": "typing",
                    "conversation": conversation.pk,
                    "author": author,
                    "on": on,
                    "note": note,
                },
            },
        )
        return JsonResponse({"type": "ok"})

    return await _handle(request, store_slug, work)


def _events(
    conversation: Conversation, after: int, for_visitor: bool
) -> tuple[list[dict[str, Any]], int]:
    frames = []
    last = after
    for event in selectors.events_after(conversation, after):
        last = event.seq
        if for_visitor and not event.visible_to_visitor:
            continue
        frames.append(fanout.event_frame(event, for_visitor=for_visitor))
    return frames, last


def _transient(message: dict[str, Any], caller: Caller) -> dict[str, Any] | None:
    kind = message.get("type")
    frame = message.get("frame")
    if not isinstance(frame, dict):
        return None
    if kind == "chat.typing":
        if caller.visitor is not None:
            if message.get("note") or frame["author"].get("kind") == "visitor":
                return None
            return {**frame, "author": {k: v for k, v in frame["author"].items() if k != "id"}}
        if caller.user is not None and frame["author"].get("id") == caller.user.pk:
            return None
        return frame
    if kind == "chat.receipt" and frame.get("side") != caller.role:
        return frame
    return None


@csrf_exempt
@never_cache
@require_GET
async def poll(request: HttpRequest, store_slug: str) -> HttpResponse:
    async def work(request: HttpRequest, caller: Caller, language: str) -> HttpResponse:
        conversation = await run_db(_conversation, caller, request.GET.get("conversation"))
        after = protocol.seq(request.GET.get("after", "0"), "after")
        wait = min(POLL_WAIT, protocol.seq(request.GET.get("wait", str(POLL_WAIT)), "wait"))
        for_visitor = caller.visitor is not None
        deadline = time.monotonic() + wait
        layer = get_channel_layer()
        channel = await layer.new_channel() if layer is not None else ""
        group = fanout.conversation_group(conversation.pk)
        transient: list[dict[str, Any]] = []
        if layer is not None:
            await layer.group_add(group, channel)
        try:
            while True:
                frames, last = await run_db(_events, conversation, after, for_visitor)
                remaining = deadline - time.monotonic()
                if frames or transient or last > after or remaining <= 0:
                    return JsonResponse(
                        {
                            "type": "batch",
                            "conversation": conversation.pk,
                            "frames": frames + transient,
                            "seq": last,
                        },
                        json_dumps_params={"ensure_ascii": False},
                    )
                if layer is None:
                    await asyncio.sleep(min(1.0, remaining))
                    continue
                try:
                    # Woken by the layer; the database is read again at least every second.
                    message = await asyncio.wait_for(layer.receive(channel), min(1.0, remaining))
                except TimeoutError:
                    continue
                extra = _transient(message, caller)
                if extra is not None:
                    transient.append(extra)
        finally:
            if layer is not None:
                await layer.group_discard(group, channel)

    return await _handle(request, store_slug, work)


@never_cache
def attachment(request: HttpRequest, attachment_token: str) -> HttpResponseBase:
    """An attachment by its signed link (made by `support.fanout.attachment_url`)."""
    try:
        value = signing.Signer(salt="dukkan.support.attachment").unsign(attachment_token)
        store_id, attachment_id = (int(part) for part in value.split("."))
    except (signing.BadSignature, ValueError):
        raise Http404 from None
    found = Attachment.objects.filter(pk=attachment_id, store_id=store_id).first()
    if found is None:
        raise Http404
    response = FileResponse(
        found.file.open("rb"),
        content_type=found.content_type,
        as_attachment=not found.is_image,
        filename=found.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, max-age=3600"
    return response
