"""Pages for subscribers, without signing in.

Storefront (`/<lang>/s/<store>/newsletter/…`): the subscribe form (double opt-in), the
confirmation page (a button: link scanners that only GET never confirm anybody), and the manage
page (unsubscribe / subscribe again).

Language-neutral (`/newsletter/…`): the `List-Unsubscribe` target. POST there is RFC 8058's
one-click unsubscribe (mail providers post `List-Unsubscribe=One-Click` with no cookies, so it
is CSRF-exempt: the signed token is the authority); GET shows a page with the button in the
subscriber's language. Tracking pixel and click redirect live here too.
"""

from __future__ import annotations

import base64

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from dukkan.core.models import Store
from dukkan.core.selectors import public_store
from dukkan.core.tenancy import scoped
from dukkan.marketing import services
from dukkan.marketing.forms import SubscribeForm
from dukkan.marketing.models import CampaignRecipient, Source, Subscriber
from dukkan.marketing.tokens import (
    BadToken,
    read_confirm_token,
    read_list_token,
    read_tracking_token,
    verify_list_token,
    verify_tracking_token,
)

SUBSCRIBES_PER_IP = 10
SUBSCRIBE_WINDOW = 15 * 60
_PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _store(store_slug: str) -> Store:
    store = public_store(store_slug)
    if store is None:
        raise Http404
    return store


def _bad_link(request: HttpRequest, store: Store | None) -> HttpResponse:
    return render(
        request,
        "marketing/bad_link.html",
        {"store": store},
        status=400,
    )


def _too_many(request: HttpRequest) -> bool:
    key = f"marketing:subscribe:{_ip(request)}"
    cache.add(key, 0, SUBSCRIBE_WINDOW)
    try:
        return cache.incr(key) > SUBSCRIBES_PER_IP
    except ValueError:
        return False


@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest, store_slug: str) -> HttpResponse:
    store = _store(store_slug)
    came_from = request.POST.get("from") or request.GET.get("from")
    source = Source.HELP_CENTER if came_from == "help" else Source.STOREFRONT
    form = SubscribeForm(
        request.POST or None, initial={"email": request.GET.get("email", "")[:254]}
    )
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            return render(request, "marketing/subscribe_sent.html", {"store": store})
        if _too_many(request):
            form.add_error(
                None, _("Too many attempts from your network. Try again in a few minutes.")
            )
        else:
            try:
                services.subscribe(
                    store,
                    form.cleaned_data["email"],
                    source=source,
                    language=translation.get_language() or store.default_language,
                    name=form.cleaned_data["name"],
                    ip=_ip(request),
                )
            except ValidationError as error:
                form.add_error("email", error)
            else:
                # The same answer whether or not the address was already on the list.
                return render(request, "marketing/subscribe_sent.html", {"store": store})
    return render(
        request,
        "marketing/subscribe.html",
        {"store": store, "form": form},
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, store_slug: str, confirm_token: str) -> HttpResponse:
    store = _store(store_slug)
    try:
        subscriber_id, email = read_confirm_token(confirm_token, store)
    except BadToken as error:
        return render(
            request,
            "marketing/bad_link.html",
            {"store": store, "expired": str(error) == "expired"},
            status=400,
        )
    if not scoped(Subscriber, store).filter(pk=subscriber_id, email=email).exists():
        return _bad_link(request, store)
    if request.method == "GET":
        return render(request, "marketing/confirm.html", {"store": store, "email": email})
    subscriber = services.confirm(store, subscriber_id, email, _ip(request))
    if subscriber is None:
        return _bad_link(request, store)
    return render(request, "marketing/confirmed.html", {"store": store, "subscriber": subscriber})


def _subscriber(store: Store, token: str) -> tuple[Subscriber, int | None]:
    claim = verify_list_token(token, store)
    subscriber = scoped(Subscriber, store).filter(pk=claim.subscriber_id).first()
    if subscriber is None:
        raise BadToken("gone")
    return subscriber, claim.campaign_id


@never_cache
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, store_slug: str, list_token: str) -> HttpResponse:
    store = _store(store_slug)
    try:
        subscriber, campaign_id = _subscriber(store, list_token)
    except BadToken:
        return _bad_link(request, store)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "unsubscribe":
            services.unsubscribe(
                store, subscriber.pk, source="manage", ip=_ip(request), campaign_id=campaign_id
            )
        elif action == "resubscribe":
            services.resubscribe(store, subscriber.pk, _ip(request))
        else:
            return _bad_link(request, store)
        return redirect("marketing_storefront:manage", store.slug, list_token)
    subscriber.refresh_from_db()
    return render(
        request,
        "marketing/manage.html",
        {"store": store, "subscriber": subscriber, "token": list_token},
    )


def _store_of_list_token(token: str) -> Store | None:
    try:
        claim = read_list_token(token)
    except BadToken:
        return None
    return Store.objects.filter(pk=claim.store_id, is_active=True).first()


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, list_token: str) -> HttpResponse:
    store = _store_of_list_token(list_token)
    if store is None:
        return _bad_link(request, None)
    try:
        subscriber, campaign_id = _subscriber(store, list_token)
    except BadToken:
        return _bad_link(request, store)
    with translation.override(subscriber.language):
        if request.method == "POST":
            # RFC 8058 one-click (body "List-Unsubscribe=One-Click") or the page's own button.
            services.unsubscribe(
                store,
                subscriber.pk,
                source="one_click" if "List-Unsubscribe" in request.POST else "link",
                ip=_ip(request),
                campaign_id=campaign_id,
            )
            subscriber.refresh_from_db()
            return render(
                request,
                "marketing/unsubscribed.html",
                {
                    "store": store,
                    "subscriber": subscriber,
                    "token": list_token,
                    "page_language": subscriber.language,
                    "page_dir": "rtl" if subscriber.language in {"ar", "fa"} else "ltr",
                },
            )
        return render(
            request,
            "marketing/unsubscribe.html",
            {
                "store": store,
                "subscriber": subscriber,
                "token": list_token,
                "page_language": subscriber.language,
                "page_dir": "rtl" if subscriber.language in {"ar", "fa"} else "ltr",
            },
        )


def _recipient(token: str, url: str = "") -> CampaignRecipient | None:
    try:
        store_id, _recipient_id = read_tracking_token(token)
        store = Store.objects.filter(pk=store_id).first()
        if store is None:
            return None
        recipient_id = verify_tracking_token(token, store, url)
    except BadToken:
        return None
    return scoped(CampaignRecipient, store).filter(pk=recipient_id, campaign__tracking=True).first()


@require_GET
def track_open(request: HttpRequest, tracking_token: str) -> HttpResponse:
    recipient = _recipient(tracking_token)
    if recipient is not None and recipient.opened_at is None:
        CampaignRecipient.objects.filter(pk=recipient.pk, opened_at__isnull=True).update(
            opened_at=timezone.now()
        )
    response = HttpResponse(_PIXEL, content_type="image/gif")
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def track_click(request: HttpRequest, tracking_token: str) -> HttpResponseBase:
    url = request.GET.get("u", "")
    if not url.startswith(("https://", "http://")):
        return _bad_link(request, None)
    recipient = _recipient(tracking_token, url)
    if recipient is None:
        return _bad_link(request, None)  # never an open redirect: the URL is signed
    CampaignRecipient.objects.filter(pk=recipient.pk, clicked_at__isnull=True).update(
        clicked_at=timezone.now()
    )
    return HttpResponseRedirect(url)
