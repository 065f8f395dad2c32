"""The owner's side of the programme: rules, affiliates (approval), commissions, payouts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
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
from dukkan.affiliates import selectors, services
from dukkan.affiliates.forms import OverrideForm, PayoutForm, ProgrammeForm, bp_to_percent
from dukkan.affiliates.models import (
    Affiliate,
    AffiliateStatus,
    CommissionKind,
    PayoutBatch,
    ProductCommission,
)
from dukkan.catalog.models import Product
from dukkan.core.money import format_money, minor_to_decimal
from dukkan.core.tenancy import get_scoped_or_404, scoped


def _programme_initial(store: Any) -> dict[str, Any]:
    programme = selectors.programme(store)
    fixed = (programme.commission_fixed or {}).get(store.currency)
    return {
        "is_open": programme.is_open,
        "approval": programme.approval,
        "commission_kind": programme.commission_kind,
        "commission_percent": bp_to_percent(programme.commission_bp),
        "commission_fixed": minor_to_decimal(fixed, store.currency) if fixed else "",
        "customer_discount_percent": bp_to_percent(programme.customer_discount_bp),
        "cookie_days": programme.cookie_days,
        "attribution": programme.attribution,
        "hold_days": programme.hold_days,
        "min_payout": minor_to_decimal(programme.min_payout_minor, store.currency),
        "terms": programme.terms,
    }


def _products(store: Any) -> list[tuple[str, str]]:
    return [(str(pk), title) for pk, title in scoped(Product, store).values_list("pk", "title")]


def _copy_errors(form: Any, error: ValidationError, names: dict[str, str]) -> None:
    if hasattr(error, "error_dict"):
        for key, errors in error.message_dict.items():
            target = names.get(key, key)
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@require_http_methods(["GET", "POST"])
@store_view(Role.ADMIN)
def overview(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    form = ProgrammeForm(
        request.POST or None, initial=_programme_initial(store), currency=store.currency
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.save_programme(
                    store,
                    services.ProgrammeInput(
                        is_open=data["is_open"],
                        approval=data["approval"],
                        commission_kind=data["commission_kind"],
                        commission_bp=data["commission_percent"],
                        commission_fixed_minor=data["commission_fixed"],
                        customer_discount_bp=data["customer_discount_percent"] or 0,
                        cookie_days=data["cookie_days"],
                        attribution=data["attribution"],
                        hold_days=data["hold_days"],
                        min_payout_minor=data["min_payout"] or 0,
                        terms=data["terms"],
                    ),
                )
            except ValidationError as error:
                _copy_errors(
                    form,
                    error,
                    {
                        "commission_bp": "commission_percent",
                        "commission_fixed": "commission_fixed",
                        "customer_discount_bp": "customer_discount_percent",
                        "min_payout_minor": "min_payout",
                    },
                )
            else:
                messages.success(request, _("Affiliate programme saved."))
                return redirect("affiliates:overview", store_slug=store.slug)
        status = 400
    return render(request, "affiliates/dashboard.html", _context(request, form=form), status=status)


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    store = current_store(request)
    programme = selectors.programme(store)
    return {
        "store": store,
        "membership": current_membership(request),
        "programme": programme,
        "override_form": OverrideForm(currency=store.currency, products=_products(store)),
        "overrides": selectors.overrides(store),
        "affiliates": selectors.affiliates_with_stats(store),
        "commissions": selectors.recent_commissions(store),
        "refund_window": services.refund_window_days(store),
        "active": "affiliates",
        **extra,
    }


@require_POST
@store_view(Role.ADMIN)
def add_override(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    form = OverrideForm(request.POST, currency=store.currency, products=_products(store))
    if form.is_valid():
        data = form.cleaned_data
        product = get_scoped_or_404(Product, store, pk=data["product"])
        try:
            services.set_product_commission(
                store,
                product,
                kind=data["kind"],
                bp=data["percent"] if data["kind"] == CommissionKind.PERCENT else None,
                fixed_minor=data["fixed"] if data["kind"] == CommissionKind.FIXED else None,
            )
        except ValidationError as error:
            _copy_errors(form, error, {"commission_bp": "percent", "commission_fixed": "fixed"})
        else:
            messages.success(
                request, _("Commission for “%(title)s” saved.") % {"title": product.title}
            )
            return redirect("affiliates:overview", store_slug=store.slug)
    programme_form = ProgrammeForm(initial=_programme_initial(store), currency=store.currency)
    return render(
        request,
        "affiliates/dashboard.html",
        {**_context(request, form=programme_form), "override_form": form},
        status=400,
    )


@require_POST
@store_view(Role.ADMIN)
def remove_override(request: HttpRequest, override_id: int) -> HttpResponse:
    store = current_store(request)
    services.remove_product_commission(get_scoped_or_404(ProductCommission, store, pk=override_id))
    messages.success(request, _("Commission override removed."))
    return redirect("affiliates:overview", store_slug=store.slug)


@require_POST
@store_view(Role.ADMIN)
def decide(request: HttpRequest, affiliate_id: int) -> HttpResponse:
    store = current_store(request)
    affiliate = get_scoped_or_404(Affiliate, store, pk=affiliate_id)
    action = request.POST.get("action", "")
    try:
        if action == "approve":
            services.approve(affiliate, by=signed_in_user(request))
            messages.success(request, _("%(name)s is now an affiliate.") % {"name": affiliate.name})
        elif action in (AffiliateStatus.REJECTED, AffiliateStatus.SUSPENDED):
            services.set_status(affiliate, action)
            messages.success(request, _("Affiliate updated."))
        else:
            messages.error(request, _("Unknown action."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("affiliates:overview", store_slug=store.slug)


@require_http_methods(["GET", "POST"])
@store_view(Role.ADMIN)
def payouts(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    balances = selectors.payable_balances(store)
    choices = [(str(b.affiliate.pk), b.affiliate.name) for b in balances]
    form = PayoutForm(request.POST or None, choices=choices)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            chosen = list(scoped(Affiliate, store).filter(pk__in=data["affiliates"]))
            try:
                batch = services.pay_batch(
                    store,
                    chosen,
                    method=data["method"],
                    reference=data["reference"],
                    note=data["note"],
                    by=signed_in_user(request),
                )
            except ValidationError as error:
                _copy_errors(form, error, {})
            else:
                total = sum(p.amount_minor for p in batch.payouts.all())
                messages.success(
                    request,
                    _("Payout recorded: %(amount)s. The affiliates are told by email.")
                    % {"amount": format_money(total, store.currency, request.LANGUAGE_CODE)},
                )
                return redirect("affiliates:payouts", store_slug=store.slug)
        status = 400
    return render(
        request,
        "affiliates/payouts.html",
        {
            "store": store,
            "membership": current_membership(request),
            "programme": selectors.programme(store),
            "balances": balances,
            "form": form,
            "batches": selectors.batches(store)[:50],
            "active": "affiliates",
        },
        status=status,
    )


@store_view(Role.ADMIN)
def batch_csv(request: HttpRequest, batch_id: int) -> HttpResponse:
    store = current_store(request)
    batch = get_scoped_or_404(PayoutBatch, store, pk=batch_id)
    response = HttpResponse(selectors.batch_csv(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="payouts-{store.pk}-{batch.pk}.csv"'
    return response
