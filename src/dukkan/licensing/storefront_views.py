"""A customer's own machines and offline activation, under My purchases' sign-in."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dukkan.core.models import Store
from dukkan.core.selectors import public_store
from dukkan.delivery.views import signed_in_email
from dukkan.licensing import services
from dukkan.licensing.forms import RequestCodeForm
from dukkan.licensing.services import LicensingError


def _store(store_slug: str) -> Store:
    store = public_store(store_slug)
    if store is None:
        raise Http404
    return store


@require_POST
@never_cache
def release(request: HttpRequest, store_slug: str, activation_id: int) -> HttpResponse:
    store = _store(store_slug)
    email = signed_in_email(request, store)
    if email is None:
        return redirect("purchases:home", store_slug=store.slug)
    try:
        services.release_for_customer(store, email, activation_id)
    except LicensingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The machine was released."))
    return redirect("purchases:home", store_slug=store.slug)


@require_POST
@never_cache
def offline(request: HttpRequest, store_slug: str) -> HttpResponse:
    store = _store(store_slug)
    email = signed_in_email(request, store)
    if email is None:
        return redirect("purchases:home", store_slug=store.slug)
    form = RequestCodeForm(request.POST)
    result = None
    status = 200
    if form.is_valid():
        try:
            result = services.activate_offline(
                store,
                form.cleaned_data["request_code"],
                email=email,
                ip=request.META.get("REMOTE_ADDR"),
            )
        except LicensingError as error:
            form.add_error("request_code", error.message)
            status = 429 if error.status == 429 else 400
    else:
        status = 400
    context = {"store": store, "email": email, "form": form, "result": result}
    return render(request, "licensing/storefront_offline.html", context, status=status)
