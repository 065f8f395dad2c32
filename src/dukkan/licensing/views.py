"""The seller's licence pages: keys, one licence with its machines and audit, policies."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dukkan.accounts.models import Role
from dukkan.accounts.permissions import (
    current_membership,
    current_store,
    signed_in_user,
    store_view,
)
from dukkan.catalog.models import Product
from dukkan.core.tenancy import get_scoped_or_404, scoped
from dukkan.licensing import selectors, services
from dukkan.licensing.forms import ActionForm, PolicyForm, RequestCodeForm
from dukkan.licensing.models import Licence, LicenceStatus
from dukkan.licensing.services import LicensingError


def _base(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {"store": current_store(request), "membership": current_membership(request), **extra}


@store_view(Role.ADMIN)
def licence_list(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    query = request.GET.get("q", "")[:100]
    status = request.GET.get("status", "")
    if status not in {"", "flagged", *LicenceStatus.values}:
        status = ""
    page = Paginator(selectors.licences(store, query=query, status=status), 50).get_page(
        request.GET.get("page")
    )
    policies = (
        scoped(Product, store).filter(licence_policy__isnull=False).select_related("licence_policy")
    )
    context = _base(
        request,
        page=page,
        query=query,
        status=status,
        statuses=LicenceStatus.choices,
        flagged=selectors.flagged_count(store),
        policies=policies,
        software=scoped(Product, store).filter(kind="software", licence_policy__isnull=True),
        signing_keys=selectors.public_keys(store),
    )
    return render(request, "licensing/list.html", context)


@store_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def licence_detail(request: HttpRequest, licence_id: int) -> HttpResponse:
    store = current_store(request)
    licence = get_scoped_or_404(
        Licence.objects.select_related("product", "order", "policy"), store, pk=licence_id
    )
    action_form = ActionForm(request.POST or None)
    offline_form = RequestCodeForm(None)
    status = 200
    if request.method == "POST" and action_form.is_valid():
        try:
            services.owner_action(
                licence,
                action_form.cleaned_data["action"],
                actor=signed_in_user(request),
                note=action_form.cleaned_data.get("note") or "",
                days=action_form.cleaned_data.get("days"),
            )
        except LicensingError as error:
            messages.error(request, error.message)
            status = 400
        else:
            messages.success(request, _("Licence updated."))
            return redirect("licensing:detail", store_slug=store.slug, licence_id=licence.pk)
    elif request.method == "POST":
        status = 400
    context = _base(
        request,
        licence=licence,
        key=services.reveal_key(licence),
        activations=selectors.activations_of(licence),
        events=selectors.audit_trail(licence),
        action_form=action_form,
        offline_form=offline_form,
    )
    return render(request, "licensing/detail.html", context, status=status)


@store_view(Role.ADMIN)
@require_POST
def release(request: HttpRequest, licence_id: int, activation_id: int) -> HttpResponse:
    store = current_store(request)
    licence = get_scoped_or_404(Licence, store, pk=licence_id)
    try:
        services.deactivate(
            store_id=store.pk,
            product_id=None,
            key=services.reveal_key(licence),
            activation_id=activation_id,
            label="owner",
            actor=signed_in_user(request),
        )
    except LicensingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The machine was released."))
    return redirect("licensing:detail", store_slug=store.slug, licence_id=licence.pk)


@store_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def offline(request: HttpRequest) -> HttpResponse:
    """The seller turns a customer's request code into an activation code."""
    store = current_store(request)
    form = RequestCodeForm(request.POST or None)
    result = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = services.activate_offline(
                store,
                form.cleaned_data["request_code"],
                actor=signed_in_user(request),
                ip=request.META.get("REMOTE_ADDR"),
            )
        except LicensingError as error:
            form.add_error("request_code", error.message)
            status = 400
    elif request.method == "POST":
        status = 400
    context = _base(request, form=form, result=result)
    return render(request, "licensing/offline.html", context, status=status)


@store_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def policy(request: HttpRequest, product_id: int) -> HttpResponse:
    store = current_store(request)
    product = get_scoped_or_404(Product, store, pk=product_id)
    existing = selectors.policy_for_product(store, product.pk)
    form = PolicyForm(request.POST or None, instance=existing)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.save_policy(store, product, actor=signed_in_user(request), **form.values())
        except LicensingError as error:
            form.add_error(None, error.message)
            status = 400
        else:
            messages.success(request, _("Licence policy saved."))
            return redirect("licensing:policy", store_slug=store.slug, product_id=product.pk)
    elif request.method == "POST":
        status = 400
    context = _base(request, product=product, form=form, policy=existing)
    return render(request, "licensing/policy.html", context, status=status)


@store_view(Role.OWNER)
@require_POST
def rotate(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    services.rotate_signing_key(store)
    messages.success(
        request,
        _("A new signing key signs from now on; licences signed with the old keys stay valid."),
    )
    return redirect("licensing:list", store_slug=store.slug)
