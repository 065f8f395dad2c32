"""The protocol's plain-HTTP fallback for the widget on other sites: realtime's own views
(docs/protocol.md, under /chat/<store>/), reached through the widget's cross-origin door.

A page on a store's site calls these from another origin, with the visitor token in the
`X-Dukkan-Visitor` header, so the browser first asks (preflight) whether it may. Here the
page's origin is checked against the store's allowed sites (as the visitor WebSocket does),
the preflight is answered, and only visitors pass: never an agent's cookie from another site.
Everything else (frames, errors, long-polling) is realtime's, unchanged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from contextlib import nullcontext
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from dukkan.realtime import views as realtime
from dukkan.realtime.dbpool import run_db
from dukkan.widget import selectors

RealtimeView = Callable[[HttpRequest, str], Awaitable[HttpResponse]]
AsyncView = Callable[[HttpRequest, str], Coroutine[Any, Any, HttpResponse]]
LANGUAGES = {"ar", "fa", "en"}


def _error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"type": "error", "code": code, "message": message},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def _origin_ok(store_slug: str, origin: str, own: str) -> bool | None:
    store = selectors.public_store(store_slug)
    if store is None:
        return None
    return selectors.origin_allowed(store, origin, own)


def door(target: RealtimeView, method: str) -> AsyncView:
    @csrf_exempt
    async def view(request: HttpRequest, store_slug: str) -> HttpResponse:
        language = str(request.GET.get("lang", ""))[:2]
        origin = request.headers.get("Origin", "")
        own = f"{request.scheme}://{request.get_host()}"
        speaking = translation.override(language) if language in LANGUAGES else nullcontext()
        with speaking:
            allowed = await run_db(_origin_ok, store_slug, origin, own)
            if allowed is None:
                response: HttpResponse = _error(
                    "not_found", _("There is no chat at this address."), 404
                )
            elif not allowed:
                return _error(
                    "origin_not_allowed",
                    _(
                        "This site may not use the store's chat; the store can allow it in its settings."
                    ),
                    403,
                )
            elif request.method == "OPTIONS":
                response = HttpResponse(status=204)
                response["Access-Control-Allow-Methods"] = f"{method}, OPTIONS"
                response["Access-Control-Allow-Headers"] = "Content-Type, X-Dukkan-Visitor"
                response["Access-Control-Max-Age"] = "600"
            elif not request.headers.get("X-Dukkan-Visitor"):
                response = _error(
                    "unauthorized", _("Your chat session has expired; reload the page."), 401
                )
            else:
                response = await target(request, store_slug)
        if origin:
            response["Access-Control-Allow-Origin"] = origin
            response["Access-Control-Expose-Headers"] = "Retry-After"
            patch_vary_headers(response, ["Origin"])
        return response

    view.__name__ = f"chat_{target.__name__}"
    view.__qualname__ = view.__name__
    return view


session = door(realtime.session, "GET")
send = door(realtime.send, "POST")
poll = door(realtime.poll, "GET")
typing = door(realtime.typing, "POST")
read = door(realtime.read, "POST")
delivered = door(realtime.delivered, "POST")
