"""The seller's side: service packages editor, gig orders (deliver, cancel, dispute), earnings.

Thin: every decision is in `services`; errors come back as messages on the same page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
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
from dukkan.catalog.models import Product, ProductKind
from dukkan.checkout.forms import to_minor
from dukkan.core.tenancy import get_scoped_or_404, scoped
from dukkan.gigs import selectors, services
from dukkan.gigs.forms import ExtraForm, PackageForm, QuestionForm
from dukkan.gigs.models import GigOrder, Tier


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _base(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "store": current_store(request),
        "membership": current_membership(request),
        "active": "services",
        **extra,
    }


@store_view(Role.AGENT)
def overview(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    status = request.GET.get("status", "")
    orders = selectors.gig_orders(store)
    if status:
        orders = orders.filter(status=status)
    return render(
        request,
        "gigs/dashboard/overview.html",
        _base(
            request,
            orders=orders[:200],
            status=status,
            counts=selectors.status_counts(store),
            services=scoped(Product, store).filter(kind=ProductKind.SERVICE),
            balance=selectors.balance(store.pk),
        ),
    )


@store_view(Role.ADMIN)
def earnings(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    return render(
        request,
        "gigs/dashboard/earnings.html",
        _base(request, balance=selectors.balance(store.pk), entries=selectors.ledger(store)[:300]),
    )


def _package_forms(product: Product, data: Any = None) -> list[tuple[str, str, PackageForm]]:
    current = {p.tier: p for p in selectors.packages(product)}
    result = []
    for tier, label in Tier.choices:
        package = current.get(tier)
        initial: dict[str, Any] = {"enabled": package is not None}
        if package is not None:
            from dukkan.core.money import minor_to_decimal

            amount = minor_to_decimal(package.price_minor, package.currency)
            if package.currency == "IRR":
                amount = amount / 10
            initial |= {
                "title": package.title,
                "description": package.description,
                "price": f"{amount.normalize():f}",
                "delivery_days": package.delivery_days,
                "revisions": package.revisions,
                "features": "\n".join(package.features),
            }
        result.append((tier, str(label), PackageForm(data, prefix=tier, initial=initial)))
    return result


@require_http_methods(["GET", "POST"])
@store_view(Role.ADMIN)
def packages(request: HttpRequest, product_id: int) -> HttpResponse:
    store = current_store(request)
    product = get_scoped_or_404(Product, store, pk=product_id, kind=ProductKind.SERVICE)
    tiers = _package_forms(product, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        inputs: list[services.PackageInput] = []
        valid = True
        for tier, _label, form in tiers:
            if not form.is_valid():
                valid = False
                continue
            data = form.cleaned_data
            if not data["enabled"]:
                continue
            try:
                price = to_minor(data["price"] or "0", store.currency)
            except forms.ValidationError as error:
                form.add_error("price", error)
                valid = False
                continue
            inputs.append(
                services.PackageInput(
                    tier=tier,
                    title=data["title"] or "",
                    price_minor=price,
                    delivery_days=data["delivery_days"] or 0,
                    revisions=data["revisions"] or 0,
                    description=data["description"] or "",
                    features=(data["features"] or "").splitlines(),
                )
            )
        if valid:
            try:
                services.save_packages(product, inputs)
            except ValidationError as error:
                _errors(request, error)
            else:
                messages.success(request, _("Packages saved."))
                return redirect("gigs:packages", store_slug=store.slug, product_id=product.pk)
    return render(
        request,
        "gigs/dashboard/packages.html",
        _base(
            request,
            product=product,
            tiers=tiers,
            extras=selectors.extras(product),
            questions=selectors.questions(product),
            extra_form=ExtraForm(),
            question_form=QuestionForm(),
        ),
    )


@require_POST
@store_view(Role.ADMIN)
def add_extra(request: HttpRequest, product_id: int) -> HttpResponse:
    store = current_store(request)
    product = get_scoped_or_404(Product, store, pk=product_id, kind=ProductKind.SERVICE)
    form = ExtraForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([str(e) for errors in form.errors.values() for e in errors])
        price = to_minor(form.cleaned_data["price"], store.currency)
        services.add_extra(
            product, form.cleaned_data["title"], price, form.cleaned_data["extra_days"]
        )
    except ValidationError as error:
        _errors(request, error)
    return redirect("gigs:packages", store_slug=store.slug, product_id=product.pk)


@require_POST
@store_view(Role.ADMIN)
def add_question(request: HttpRequest, product_id: int) -> HttpResponse:
    store = current_store(request)
    product = get_scoped_or_404(Product, store, pk=product_id, kind=ProductKind.SERVICE)
    form = QuestionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([str(e) for errors in form.errors.values() for e in errors])
        services.add_question(
            product,
            form.cleaned_data["question"],
            kind=form.cleaned_data["kind"],
            required=form.cleaned_data["required"],
        )
    except ValidationError as error:
        _errors(request, error)
    return redirect("gigs:packages", store_slug=store.slug, product_id=product.pk)


def _order(request: HttpRequest, gig_order_id: int) -> GigOrder:
    order = selectors.gig_orders(current_store(request)).filter(pk=gig_order_id).first()
    if order is None:
        raise Http404
    return order


@store_view(Role.AGENT)
def order_detail(request: HttpRequest, gig_order_id: int) -> HttpResponse:
    order = _order(request, gig_order_id)
    return render(
        request,
        "gigs/dashboard/order.html",
        _base(request, **selectors.order_page(order), side="seller"),
    )


@require_POST
@store_view(Role.AGENT)
def order_action(request: HttpRequest, gig_order_id: int, gig_action: str) -> HttpResponse:
    """deliver / propose-cancel / accept-cancel / decline-cancel / dispute, by the seller."""
    order = _order(request, gig_order_id)
    user = signed_in_user(request)
    reason = request.POST.get("reason", "")
    try:
        if gig_action == "deliver":
            services.deliver(
                order,
                message=request.POST.get("message", ""),
                files=request.FILES.getlist("files"),
                by=user,
            )
            messages.success(request, _("Delivered. The buyer has been told."))
        elif gig_action == "propose-cancel":
            services.propose_cancel(order, role=services.SELLER, reason=reason, by=user)
        elif gig_action in ("accept-cancel", "decline-cancel"):
            services.answer_cancel(
                order, role=services.SELLER, agree=gig_action == "accept-cancel", by=user
            )
        elif gig_action == "dispute":
            services.open_dispute(order, role=services.SELLER, reason=reason, by=user)
        elif gig_action == "message":
            services.post_seller_message(order, request.POST.get("body", ""), by=user)
        else:
            raise Http404
    except ValidationError as error:
        _errors(request, error)
    return redirect("gigs:order", store_slug=order.store.slug, gig_order_id=order.pk)


@store_view(Role.AGENT)
def order_file(
    request: HttpRequest, gig_order_id: int, file_kind: str, gig_file_id: int
) -> HttpResponse:
    from dukkan.gigs.shop_views import serve_file

    return serve_file(_order(request, gig_order_id), file_kind, gig_file_id)  # type: ignore[return-value]
