"""Listing review: the operator's queue and the seller's feedback page (thin views)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dukkan.accounts.models import Role, User
from dukkan.accounts.permissions import store_view
from dukkan.accounts.views import operator_required
from dukkan.catalog.models import Product
from dukkan.moderation import selectors, services
from dukkan.moderation.models import Kind, ListingReview


def _labelled(reviews: Iterable[ListingReview]) -> list[ListingReview]:
    """The reviews with their automatic checks in words (`review.labelled`)."""
    labels = services.check_labels()
    found = list(reviews)
    for review in found:
        review.labelled = [  # type: ignore[attr-defined]
            {**c, "label": labels.get(c["code"], c["code"])} for c in review.checks
        ]
    return found


@login_required
@require_http_methods(["GET", "POST"])
def queue(request: HttpRequest) -> HttpResponse:
    operator_required(request)
    if request.method == "POST":
        raw = request.POST.get("review", "")
        review = ListingReview.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
        if review is None:
            raise Http404
        action = request.POST.get("action", "")
        reasons = request.POST.get("reasons", "")
        by: User = request.user  # type: ignore[assignment]
        try:
            if review.kind == Kind.INFRINGEMENT:
                services.handle_infringement(review, action, reasons=reasons, by=by)
            else:
                checklist = {item: item in request.POST for item in services.CHECKLIST}
                services.decide(review, action, reasons=reasons, checklist=checklist, by=by)
            messages.success(request, _("Decision saved."))
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        return redirect(request.path)
    taken_down = ListingReview.objects.filter(kind=Kind.INFRINGEMENT, status="taken_down")
    context = {
        "queue": _labelled(selectors.queue()),
        "taken_down": taken_down.select_related("product", "store", "reporter"),
        "times": selectors.review_times(),
        "checklist": list(services.checklist_labels().items()),
    }
    return render(request, "moderation/queue.html", context)


@store_view(Role.AGENT)
def seller_reviews(request: HttpRequest) -> HttpResponse:
    store = request.store  # type: ignore[attr-defined]
    context = {
        "store": store,
        "reviews": _labelled(selectors.reviews_of(store.pk)[:50]),
    }
    return render(request, "moderation/seller.html", context)


@require_POST
@store_view(Role.ADMIN)
def resubmit(request: HttpRequest, listing_review_id: int) -> HttpResponse:
    store = request.store  # type: ignore[attr-defined]
    review = ListingReview.objects.filter(pk=listing_review_id, store=store, current=True).first()
    if review is None:
        raise Http404
    try:
        services.resubmit(review)
        messages.success(request, _("Sent for review again."))
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    return redirect("moderation:list", store.slug)


@require_POST
@store_view(Role.ADMIN)
def report(request: HttpRequest) -> HttpResponse:
    store = request.store  # type: ignore[attr-defined]
    # Any public listing of another store may be reported, found by its store and address.
    product = Product.objects.filter(
        store__slug=request.POST.get("store", "").strip(),
        slug=request.POST.get("listing", "").strip(),
        visibility="published",
    ).first()
    if product is None:
        messages.error(request, _("No public listing has that store and address."))
    else:
        try:
            services.report_infringement(store, product, request.POST.get("report", ""))
            messages.success(request, _("Your report is in the operator's queue."))
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
    return redirect("moderation:list", store.slug)
