"""The widget's public endpoints: the script, its config, the visitor session, the pre-chat form,
attachment uploads, and a sample host page.

All but the script and the sample page answer JSON and are called cross-origin by widget.js on
the store's own site: a browser request from an origin the store has not allowed is refused
(403, no CORS headers), and errors always say what is wrong:
`{"error": {"code": "...", "message": "...", ...}}`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from dukkan.core.models import Store
from dukkan.realtime.presence import online_agents
from dukkan.support import fanout
from dukkan.support import services as support
from dukkan.support.models import ATTACHMENT_LIMIT, ATTACHMENT_TYPES, MESSAGE_LIMIT
from dukkan.support.selectors import visitor_from_token
from dukkan.widget import script, selectors, services, texts
from dukkan.widget.models import FieldMode

LANGUAGES = {"ar", "fa", "en"}
SESSION_LIMIT = 20  # new visitors per address and window
SESSION_WINDOW = 600  # seconds
BODY_LIMIT = 16 * 1024  # bytes of JSON a widget request may carry
CONFIG_MAX_AGE = 30  # seconds
UPLOAD_LIMIT = ATTACHMENT_LIMIT + 64 * 1024  # the file plus the form around it
FIELD_LIMITS = {"name": 200, "email": 254, "phone": 40}


# -- the script ---------------------------------------------------------------------------------


@require_GET
def widget_js(request: HttpRequest) -> HttpResponse:
    """widget.js: a year in caches when asked by its version (?v=), else revalidated by ETag."""
    current = script.current()
    if request.headers.get("If-None-Match") == current.etag:
        response = HttpResponse(status=304)
    else:
        gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
        response = HttpResponse(
            current.gzipped if gzipped else current.body,
            content_type="text/javascript; charset=utf-8",
        )
        if gzipped:
            response["Content-Encoding"] = "gzip"
    response["ETag"] = current.etag
    if request.GET.get("v") == current.version:
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response["Cache-Control"] = "public, max-age=300"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


# -- JSON plumbing ------------------------------------------------------------------------------


def error(code: str, message: str, status: int, **extra: Any) -> JsonResponse:
    response = JsonResponse({"error": {"code": code, "message": message, **extra}}, status=status)
    if "retry_after" in extra:
        response["Retry-After"] = str(extra["retry_after"])
    return response


def _language(request: HttpRequest, body: dict[str, Any] | None = None) -> str:
    asked = str((body or {}).get("language") or request.GET.get("lang") or "")[:2].lower()
    return asked if asked in LANGUAGES else translation.get_language() or settings.LANGUAGE_CODE


def _own_origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


PublicView = Callable[..., HttpResponse]


def public(methods: list[str]) -> Callable[[PublicView], PublicView]:
    """A cross-origin endpoint of one store: resolves the store, checks the page's origin,
    answers CORS preflights, refuses other methods, and speaks the visitor's language."""

    def decorate(view: PublicView) -> PublicView:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, store_slug: str) -> HttpResponse:
            language = _language(request)
            with translation.override(language):
                store = selectors.public_store(store_slug)
                origin = request.headers.get("Origin", "")
                if store is None:
                    response: HttpResponse = error(
                        "not_found", _("There is no chat at this address."), 404
                    )
                elif origin and not selectors.origin_allowed(store, origin, _own_origin(request)):
                    return error(
                        "origin_not_allowed",
                        _(
                            "This site may not use the store's chat; the store can allow it in its settings."
                        ),
                        403,
                    )
                elif request.method == "OPTIONS":
                    response = HttpResponse(status=204)
                    response["Access-Control-Allow-Methods"] = ", ".join([*methods, "OPTIONS"])
                    response["Access-Control-Allow-Headers"] = "Content-Type"
                    response["Access-Control-Max-Age"] = "600"
                elif request.method not in methods:
                    response = error(
                        "method_not_allowed", _("This address does not accept that method."), 405
                    )
                    response["Allow"] = ", ".join([*methods, "OPTIONS"])
                else:
                    response = view(request, store)
            if origin and store is not None:
                response["Access-Control-Allow-Origin"] = origin
                patch_vary_headers(response, ["Origin"])
            if not response.has_header("Cache-Control"):
                response["Cache-Control"] = "no-store"
            return response

        return wrapper

    return decorate


class BadRequest(Exception):
    def __init__(self, response: JsonResponse) -> None:
        super().__init__()
        self.response = response


def _json_body(request: HttpRequest) -> dict[str, Any]:
    if len(request.body) > BODY_LIMIT:
        raise BadRequest(error("too_large", _("The request is too large."), 413, limit=BODY_LIMIT))
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        raise BadRequest(error("malformed", _("Send a JSON object."), 400))
    return data


def _text(data: dict[str, Any], key: str, limit: int = 500) -> str:
    value = data.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadRequest(
            error("invalid", _("%(field)s must be text.") % {"field": key}, 400, field=key)
        )
    return value.strip()[:limit]


def _client_ip(request: HttpRequest) -> str:
    # uvicorn runs with proxy_headers: REMOTE_ADDR is already the client behind a proxy.
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _unauthorised() -> JsonResponse:
    return error("bad_token", _("Your chat session has expired; reload the page."), 401)


# -- config -------------------------------------------------------------------------------------


def support_config(store: Store, language: str) -> dict[str, Any]:
    from dukkan.answerbot.widget_api import config as support

    return support(store, language)


def agents_online(store: Store) -> bool:
    """Is a human of the store's team online now (realtime's presence)?"""
    return bool(online_agents(store))


@public(["GET"])
def config(request: HttpRequest, store: Store) -> HttpResponse:
    found = selectors.widget_settings(store)
    if not found.enabled:
        return JsonResponse({"enabled": False})
    language = translation.get_language() or "en"
    body = {
        "enabled": True,
        "store_name": store.name,
        "language": language,
        "dir": "rtl" if translation.get_language_bidi() else "ltr",
        "online": agents_online(store),
        "reply_time": found.get_reply_time_display(),
        "welcome": found.welcome(language),
        "prechat": found.prechat_fields(),
        "accent_colour": found.accent_colour,
        "sound": found.sound,
        "limits": {
            "message_chars": MESSAGE_LIMIT,
            "attachment_bytes": ATTACHMENT_LIMIT,
            "attachment_size": texts.megabytes(),
            "attachment_types": sorted(ATTACHMENT_TYPES),
        },
        "texts": texts.texts(),
        "support": support_config(store, language),  # bot, hours, callbacks (answerbot)
    }
    response = JsonResponse(body)
    # Asked on every page of the host site: browsers may keep it briefly (online status too).
    response["Cache-Control"] = f"public, max-age={CONFIG_MAX_AGE}"
    return response


# -- session ------------------------------------------------------------------------------------


@public(["POST"])
def session(request: HttpRequest, store: Store) -> HttpResponse:
    """Resume the visitor a token names, or make a new one; verify the host's signed identity."""
    if not selectors.widget_settings(store).enabled:
        return error("disabled", _("The chat is switched off for this store."), 403)
    try:
        data = _json_body(request)
        token = _text(data, "token", 500)
        language = _language(request, data)
        page_url = _text(data, "page_url", 500)
        identity = data.get("identity")
        if identity is not None and not isinstance(identity, dict):
            raise BadRequest(error("invalid", _("The identity must be an object."), 400))
        user_id = name = email = ""
        if identity:
            user_id = _text(identity, "user_id", 200)
            name = _text(identity, "name", FIELD_LIMITS["name"])
            email = _text(identity, "email", FIELD_LIMITS["email"])
            signature = _text(identity, "signature", 200)
            if not services.identity_is_genuine(store, user_id, signature):
                return error(
                    "bad_signature",
                    _(
                        "The signed-in customer's signature does not match; the site must sign the user id with the store's secret key."
                    ),
                    403,
                )
    except BadRequest as bad:
        return bad.response
    visitor = visitor_from_token(store, token)
    if visitor is not None and user_id and visitor.external_id not in {"", user_id}:
        visitor = None  # another customer signed in on this browser: a visitor of their own
    created = visitor is None
    if visitor is None:
        try:
            services.hit(
                f"session:{_client_ip(request)}", limit=SESSION_LIMIT, window=SESSION_WINDOW
            )
        except services.RateLimited as limited:
            return error(
                "rate_limited",
                _("Too many new chats from this address. Try again in %(seconds)s seconds.")
                % {"seconds": limited.retry_after},
                429,
                retry_after=limited.retry_after,
            )
        visitor = support.create_visitor(store, language=language, page_url=page_url)
    else:
        support.touch_visitor(visitor, page_url=page_url)
    if user_id:
        try:
            visitor = support.identify_visitor(
                visitor, external_id=user_id, name=name, email=email, language=language
            )
        except ValidationError as invalid:
            return error("invalid", " ".join(invalid.messages), 400)
    return JsonResponse(
        {
            "token": support.issue_visitor_token(visitor),
            "created": created,
            "identified": bool(visitor.external_id),
            "prechat_done": bool(visitor.email or visitor.phone or visitor.external_id),
        },
        status=201 if created else 200,
    )


# -- pre-chat form ------------------------------------------------------------------------------


@public(["POST"])
def prechat(request: HttpRequest, store: Store) -> HttpResponse:
    try:
        data = _json_body(request)
        values = {field: _text(data, field, limit) for field, limit in FIELD_LIMITS.items()}
        token = _text(data, "token", 500)
    except BadRequest as bad:
        return bad.response
    visitor = visitor_from_token(store, token)
    if visitor is None:
        return _unauthorised()
    asked = selectors.widget_settings(store).prechat_fields()
    missing = {
        field: _("Please fill in this field.")
        for field, mode in asked.items()
        if mode == FieldMode.REQUIRED and not values[field]
    }
    if missing:
        return error("required", _("Please fill in the required fields."), 400, fields=missing)
    given = {field: values[field] for field in asked if values[field]}
    try:
        support.identify_visitor(visitor, **given)
    except ValidationError as invalid:
        fields = (
            {k: " ".join(v) for k, v in invalid.message_dict.items()}
            if hasattr(invalid, "error_dict")
            else {}
        )
        return error("invalid", " ".join(invalid.messages), 400, fields=fields)
    return JsonResponse({"ok": True})


# -- attachments --------------------------------------------------------------------------------


@public(["POST"])
def upload(request: HttpRequest, store: Store) -> HttpResponse:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > UPLOAD_LIMIT:  # refused before a byte of it is read
        return error(
            "too_large",
            _("A file may be at most %(size)s.") % {"size": texts.megabytes()},
            413,
            limit=ATTACHMENT_LIMIT,
        )
    visitor = visitor_from_token(store, str(request.POST.get("token", "")))
    if visitor is None:
        return _unauthorised()
    file = request.FILES.get("file")
    if file is None:
        return error("no_file", _("Choose a file to send."), 400)
    try:
        services.hit(f"upload:{visitor.pk}", limit=20, window=600)
    except services.RateLimited as limited:
        return error(
            "rate_limited",
            _("Too many files. Try again in %(seconds)s seconds.")
            % {"seconds": limited.retry_after},
            429,
            retry_after=limited.retry_after,
        )
    try:
        attachment = support.save_attachment(store, file, visitor=visitor)
    except ValidationError as invalid:
        code = invalid.code or "invalid"
        status = 413 if code == "too_large" else 415 if code == "unsupported_type" else 400
        extra: dict[str, Any] = {"limit": ATTACHMENT_LIMIT} if code == "too_large" else {}
        if code == "unsupported_type":
            extra["allowed"] = sorted(ATTACHMENT_TYPES)
        return error(code, " ".join(invalid.messages), status, **extra)
    return JsonResponse(fanout.attachment_data(attachment), status=201)


# -- a sample host page -------------------------------------------------------------------------


@require_GET
def demo(request: HttpRequest, store_slug: str) -> HttpResponse:
    """A plain page that embeds the widget exactly as a store's own site would."""
    store = selectors.public_store(store_slug)
    if store is None:
        raise Http404
    language = str(request.GET.get("lang", ""))[:2]
    language = language if language in LANGUAGES else store.default_language
    from dukkan.widget import demo as demo_data

    identity = demo_data.signed_identity(store)
    context = {
        "store": store,
        "language": language,
        "dir": "rtl" if language in {"ar", "fa"} else "ltr",
        "script_src": f"{reverse('widget:script')}?v={script.current().version}",
        "identity": identity,
    }
    with translation.override(language):
        return render(request, "widget/demo.html", context)
