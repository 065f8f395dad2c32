"""The widget's answer endpoints: suggestions as the customer types, and opening one.

Cross-origin like the widget's other endpoints: the same decorator resolves the store, checks
the page's origin against the store's allowed sites and answers CORS preflights.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from dukkan.answers import selectors, services
from dukkan.core.models import Store
from dukkan.support.selectors import visitor_from_token
from dukkan.widget.services import RateLimited, hit
from dukkan.widget.views import BadRequest, _client_ip, _json_body, _language, _text, error, public

QUERY_LIMIT = 1000  # characters of a question looked at (longer text is cut, not refused)
SUGGESTIONS = 3


def _texts() -> dict[str, str]:
    return {
        "heading": _("These answers may help"),
        "open": _("Open the answer"),
        "read": _("Read the whole article"),
        "gate": _(
            "This looks answered already: please open the suggested answer first. If it does "
            "not help, press send again and a person will reply."
        ),
    }


def _visitor_id(store: Store, data: dict[str, Any]) -> int | None:
    token = data.get("token")
    if not isinstance(token, str) or not token:
        return None
    visitor = visitor_from_token(store, token[:500])
    return visitor.pk if visitor is not None else None


def _limited(request: HttpRequest, store: Store, what: str, limit: int) -> JsonResponse | None:
    try:
        hit(f"answers-{what}:{store.pk}:{_client_ip(request)}", limit=limit, window=60)
    except RateLimited as limited:
        return error(
            "rate_limited",
            _("Too many requests; try again in a moment."),
            429,
            retry_after=limited.retry_after,
        )
    return None


@public(["POST"])
def suggest(request: HttpRequest, store: Store) -> HttpResponse:
    """{"q", "token"?, "language"?} → the answers worth showing above the send button."""
    limited = _limited(request, store, "suggest", 120)
    if limited is not None:
        return limited
    try:
        data = _json_body(request)
        text = _text(data, "q", QUERY_LIMIT)
    except BadRequest as bad:
        return bad.response
    settings = selectors.settings_for(store)
    if not settings.enabled or not text:
        return JsonResponse({"matches": [], "gate": False, "texts": _texts()})
    decision = services.gate(
        store, visitor_id=_visitor_id(store, data), text=text, language=_language(request, data)
    )
    shown = [m for m in decision["matches"] if m.score >= selectors.suggestion_floor(settings)]
    return JsonResponse(
        {
            "matches": [
                {
                    "id": m.article_id,
                    "title": m.title,
                    "snippet": m.snippet,
                    "url": request.build_absolute_uri(m.url) if m.url else "",
                    "score": m.score,
                }
                for m in shown[:SUGGESTIONS]
            ],
            "gate": bool(decision["gate"]) and bool(shown),
            "texts": _texts(),
        }
    )


@public(["POST"])
def open_answer(request: HttpRequest, store: Store) -> HttpResponse:
    """{"article_id", "q"?, "token"?} → records a deflection: the customer opened an answer."""
    limited = _limited(request, store, "open", 60)
    if limited is not None:
        return limited
    try:
        data = _json_body(request)
        query = _text(data, "q", 500)
    except BadRequest as bad:
        return bad.response
    article_id = data.get("article_id")
    if isinstance(article_id, bool) or not isinstance(article_id, int):
        return error("invalid", _("Say which answer was opened."), 400, field="article_id")
    try:
        services.record_deflection(
            store, article_id=article_id, query=query, visitor_id=_visitor_id(store, data)
        )
    except ValidationError as invalid:
        return error("not_found", invalid.messages[0], 404)
    return JsonResponse({"ok": True})
