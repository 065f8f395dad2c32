"""Delivery's pages: the signed download link, and the buyer's My purchases.

Download links live outside the language prefix (`/dl/<token>/`); their problem pages speak
the order's language. My purchases is per store and per language
(`/<lang>/s/<store>/purchases/`): an email form that always answers the same, a sign-in link
by mail, then a page bound to the browser session.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dukkan.checkout.models import Order
from dukkan.core.models import Store
from dukkan.core.selectors import public_store
from dukkan.core.tenancy import scoped
from dukkan.delivery import selectors, services, streaming
from dukkan.delivery.models import Entitlement
from dukkan.delivery.stamping import StampError
from dukkan.delivery.tasks import send_purchases_link
from dukkan.delivery.tokens import (
    BadToken,
    read_download_token,
    read_purchases_token,
    verify_download_token,
)

SESSION_KEY = "dukkan_purchases"
# Link requests allowed per window, per address and per IP.
LINK_REQUESTS_PER_EMAIL = 3
LINK_REQUESTS_PER_IP = 20
LINK_REQUEST_WINDOW = 15 * 60


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _store_or_404(store_slug: str) -> Store:
    store = public_store(store_slug)
    if store is None:
        raise Http404
    return store


# --- download links ----------------------------------------------------------------------


def _problem(request: HttpRequest, store: Store | None, reason: str, status: int) -> HttpResponse:
    """A clear page for a link that cannot be used, offering a fresh one by email."""
    messages = {
        "invalid": (
            _("This download link is not valid"),
            _(
                "The link is incomplete or was changed. Copy the whole link from your email, or ask for a fresh one below."
            ),
        ),
        "expired": (
            _("This download link has expired"),
            _(
                "Download links work for a limited time. Ask for a fresh link below: we will email you a link to your purchases."
            ),
        ),
        "limit": (
            _("This file was downloaded too many times"),
            _(
                "You have used every download this link allows. If you need the file again, contact the store."
            ),
        ),
        "revoked": (
            _("This download is no longer available"),
            _("The purchase was refunded or withdrawn, so its files can no longer be downloaded."),
        ),
        "missing": (
            _("This file is not available right now"),
            _(
                "The seller has not uploaded this file yet, or removed it. Please contact the store."
            ),
        ),
        "broken": (
            _("This file could not be prepared"),
            _(
                "Your personal copy of this file could not be made. The store has been told; please try again later or contact the store."
            ),
        ),
    }
    title, text = messages[reason]
    context = {
        "store": store,
        "title": title,
        "text": text,
        "reason": reason,
        "offer_link": store is not None and reason in {"invalid", "expired", "limit"},
    }
    response = render(request, "delivery/link_problem.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "HEAD"])
@never_cache
def download(request: HttpRequest, download_token: str) -> HttpResponseBase:
    try:
        claim = read_download_token(download_token)
    except BadToken:
        return _problem(request, None, "invalid", 403)
    entitlement = (
        Entitlement.objects.select_related("store", "order", "product_file__product")
        .filter(pk=claim.entitlement_id)
        .first()
    )
    if entitlement is None:
        return _problem(request, None, "invalid", 403)
    store = entitlement.store
    try:
        verify_download_token(download_token, store)
    except BadToken:
        # Nothing of the order is told to a forger: the store's own language, not the buyer's.
        with translation.override(store.default_language):
            return _problem(request, store, "invalid", 403)
    language = entitlement.order.language or store.default_language
    with translation.override(language):
        return _serve(request, entitlement, claim.version_id, claim.expired)


def _serve(
    request: HttpRequest, entitlement: Entitlement, version_id: int | None, expired: bool
) -> HttpResponseBase:
    store = entitlement.store
    ip = client_ip(request)
    agent = request.headers.get("User-Agent", "")
    range_header = request.headers.get("Range", "")

    def refuse(reason: str, status: int) -> HttpResponse:
        services.log_download(
            entitlement,
            version=None,
            ip=ip,
            user_agent=agent,
            status=status,
            range_header=range_header,
        )
        return _problem(request, store, reason, status)

    if expired:
        return refuse("expired", 410)
    if entitlement.is_revoked:
        return refuse("revoked", 410)
    version = services.version_for(entitlement, version_id)
    if version is None or not version.upload:
        return refuse("missing", 404)
    limit = services.delivery_settings(store).download_limit
    if entitlement.downloads_used >= limit and not range_header:
        return refuse("limit", 403)
    try:
        servable = services.servable(entitlement, version)
    except StampError as error:
        services.logger.error(
            "PDF could not be stamped; not served",
            extra={"entitlement_id": entitlement.pk, "version_id": version.pk, "error": str(error)},
        )
        return refuse("broken", 500)
    except FileNotFoundError:
        return refuse("missing", 404)
    decided = streaming.plan(request, servable.size, servable.etag, version.created_at)
    counts = (
        request.method == "GET"
        and decided.status in {200, 206}
        and (decided.starts_at_zero or entitlement.downloads_used == 0)
    )
    if counts and not services.count_download(entitlement, limit):
        return refuse("limit", 403)
    planned = decided.length if request.method == "GET" and decided.status != 416 else 0
    log = services.log_download(
        entitlement,
        version=version,
        ip=ip,
        user_agent=agent,
        status=decided.status,
        range_header=range_header,
        bytes_sent=planned,
        counted=counts,
    )

    def on_end(sent: int) -> None:
        if sent != planned:
            services.finish_log(log.pk, sent)

    return streaming.file_response(
        request,
        path=servable.path,
        storage_name=servable.storage_name,
        filename=version.original_name or (version.upload.name or "download").rsplit("/", 1)[-1],
        content_type=version.content_type or "application/octet-stream",
        size=servable.size,
        etag=servable.etag,
        last_modified=version.created_at,
        decided=decided,
        on_end=on_end,
    )


# --- My purchases ------------------------------------------------------------------------


def signed_in_email(request: HttpRequest, store: Store) -> str | None:
    entry = request.session.get(SESSION_KEY, {}).get(str(store.pk))
    if not entry or entry.get("until", 0) < time.time():
        return None
    return str(entry["email"])


def _sign_in(request: HttpRequest, store: Store, email: str, hours: int) -> None:
    entries = dict(request.session.get(SESSION_KEY, {}))
    request.session.cycle_key()  # a new session id on sign-in: no fixation
    entries[str(store.pk)] = {"email": email, "until": int(time.time()) + hours * 3600}
    request.session[SESSION_KEY] = entries


@require_GET
@never_cache
def home(request: HttpRequest, store_slug: str) -> HttpResponse:
    store = _store_or_404(store_slug)
    email = signed_in_email(request, store)
    if email is None:
        return render(request, "delivery/purchases_request.html", {"store": store})
    services.deliver_missing(store, email)
    context: dict[str, Any] = {
        "store": store,
        "email": email,
        "purchases": selectors.purchases(store, email),
    }
    return render(request, "delivery/purchases.html", context)


def _over_limit(key: str, limit: int) -> bool:
    cache.add(key, 0, LINK_REQUEST_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, LINK_REQUEST_WINDOW)
        count = 1
    return count > limit


@require_POST
@never_cache
def request_link(request: HttpRequest, store_slug: str) -> HttpResponse:
    store = _store_or_404(store_slug)
    email = request.POST.get("email", "").strip().lower()
    context: dict[str, Any] = {"store": store, "email": email}
    try:
        validate_email(email)
    except ValidationError:
        context["error"] = _("Enter a valid email address.")
        return render(request, "delivery/purchases_request.html", context, status=400)
    if _over_limit(f"delivery:link:ip:{client_ip(request)}", LINK_REQUESTS_PER_IP) or _over_limit(
        f"delivery:link:email:{store.pk}:{email}", LINK_REQUESTS_PER_EMAIL
    ):
        context["error"] = _(
            "Too many requests for a link. Please wait a few minutes and try again."
        )
        return render(request, "delivery/purchases_request.html", context, status=429)
    send_purchases_link.enqueue(store.pk, email, translation.get_language() or "en")
    return render(request, "delivery/purchases_sent.html", context)


@require_GET
@never_cache
def open_link(request: HttpRequest, store_slug: str, purchases_token: str) -> HttpResponse:
    store = _store_or_404(store_slug)
    hours = services.delivery_settings(store).magic_link_hours
    try:
        email = read_purchases_token(purchases_token, store, hours * 3600)
    except BadToken as error:
        expired = str(error) == "expired"
        context = {
            "store": store,
            "error": _("This link has expired. Ask for a fresh one below.")
            if expired
            else _("This link is not valid. Ask for a fresh one below."),
        }
        return render(
            request, "delivery/purchases_request.html", context, status=410 if expired else 403
        )
    _sign_in(request, store, email, hours)
    return redirect("purchases:home", store_slug=store.slug)


@require_POST
def sign_out(request: HttpRequest, store_slug: str) -> HttpResponse:
    store = _store_or_404(store_slug)
    entries = dict(request.session.get(SESSION_KEY, {}))
    entries.pop(str(store.pk), None)
    request.session[SESSION_KEY] = entries
    return redirect("purchases:home", store_slug=store.slug)


@require_GET
@never_cache
def receipt(request: HttpRequest, store_slug: str, receipt_number: str) -> HttpResponse:
    store = _store_or_404(store_slug)
    email = signed_in_email(request, store)
    if email is None:
        raise Http404
    order = (
        scoped(Order, store)
        .filter(number=receipt_number, email__iexact=email, status__in=selectors.VISIBLE_STATUSES)
        .select_related("store")
        .first()
    )
    if order is None:
        raise Http404
    context = selectors.receipt_context(order)
    context["downloads"] = selectors.downloads_summary(order)
    return render(request, "delivery/receipt_page.html", context)
