"""The marketplace operator's side: disputes (with the order's conversation), payouts,
marketplace settings, and hiding abusive reviews."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dukkan.accounts.models import User
from dukkan.checkout.forms import to_minor
from dukkan.core.models import Store
from dukkan.gigs import selectors, services
from dukkan.gigs.forms import DisputeDecisionForm, MarketplaceSettingsForm, PayoutForm
from dukkan.gigs.models import GigOrder, GigStatus

View = Callable[..., HttpResponse]


def operator_view(view: View) -> View:
    """Signed-in marketplace operators only; anyone else gets 404 (nothing leaks)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not getattr(request.user, "is_operator", False):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_http_methods(["GET", "POST"])
@operator_view
def home(request: HttpRequest) -> HttpResponse:
    market = selectors.marketplace_settings()
    initial = {
        "commission_percent": Decimal(market.commission_bp) / 100,
        "clearing_days": market.clearing_days,
        "auto_complete_days": market.auto_complete_days,
        "review_after_days": market.review_after_days,
        "max_requirement_file_mb": market.max_requirement_file_mb,
    }
    form = MarketplaceSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_marketplace_settings(
                by=_user(request),
                commission_bp=int(data["commission_percent"] * 100),
                clearing_days=data["clearing_days"],
                auto_complete_days=data["auto_complete_days"],
                review_after_days=data["review_after_days"],
                max_requirement_file_mb=data["max_requirement_file_mb"],
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("Marketplace settings saved."))
            return redirect("gigs_operator:home")
    disputes = GigOrder.objects.filter(status=GigStatus.DISPUTED).select_related("store")
    sellers = [
        (store, selectors.balance(store.pk))
        for store in Store.objects.filter(gigs_gigorders__isnull=False)
        .distinct()
        .order_by("name")[:200]
    ]
    from dukkan.reviews.models import Review

    return render(
        request,
        "gigs/operator/home.html",
        {
            "form": form,
            "disputes": disputes,
            "sellers": sellers,
            "payout_form": PayoutForm(),
            "reviews": Review.objects.select_related("store", "product").order_by(
                "rating", "-created_at"
            )[:50],
        },
    )


def _disputed(gig_order_id: int) -> GigOrder:
    order = GigOrder.objects.select_related("store", "product").filter(pk=gig_order_id).first()
    if order is None:
        raise Http404
    return order


@require_http_methods(["GET", "POST"])
@operator_view
def dispute(request: HttpRequest, gig_order_id: int) -> HttpResponse:
    order = _disputed(gig_order_id)
    form = DisputeDecisionForm(request.POST or None, initial={"refund": "0"})
    if request.method == "POST" and form.is_valid():
        try:
            refund = to_minor(form.cleaned_data["refund"] or "0", order.currency)
            services.resolve_dispute(
                order, refund_minor=refund, note=form.cleaned_data["note"], by=_user(request)
            )
        except (ValidationError, forms.ValidationError) as error:
            _errors(request, error)
        else:
            messages.success(request, _("The decision is recorded and both sides can see it."))
            return redirect("gigs_operator:dispute", gig_order_id=order.pk)
    context = selectors.order_page(order)
    return render(
        request, "gigs/operator/dispute.html", {**context, "store": order.store, "form": form}
    )


@require_POST
@operator_view
def payout(request: HttpRequest, seller_store_id: int) -> HttpResponse:
    store = Store.objects.filter(pk=seller_store_id).first()
    if store is None:
        raise Http404
    form = PayoutForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([str(e) for errors in form.errors.values() for e in errors])
        amount = to_minor(form.cleaned_data["amount"], store.currency)
        services.record_payout(
            store, amount, by=_user(request), reference=form.cleaned_data["reference"]
        )
    except (ValidationError, forms.ValidationError) as error:
        _errors(request, error)
    else:
        messages.success(request, _("Payout recorded."))
    return redirect("gigs_operator:home")


@require_POST
@operator_view
def hide_review(request: HttpRequest, review_id: int) -> HttpResponse:
    from dukkan.reviews import services as reviews
    from dukkan.reviews.models import Review

    review = Review.objects.filter(pk=review_id).first()
    if review is None:
        raise Http404
    try:
        if request.POST.get("show"):
            reviews.unhide(review, by=_user(request))
        else:
            reviews.hide(review, reason=request.POST.get("reason", ""), by=_user(request))
    except ValidationError as error:
        _errors(request, error)
    return redirect("gigs_operator:home")
