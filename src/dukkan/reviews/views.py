"""The seller's reviews page (reply once) and the storefront: the seller's profile of
reviews, and the buyer's review form reached from their order (the order token is the key)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dukkan.accounts.models import Role
from dukkan.accounts.permissions import (
    current_membership,
    current_store,
    signed_in_user,
    store_view,
)
from dukkan.checkout.selectors import order_by_token
from dukkan.core.selectors import public_store
from dukkan.core.tenancy import get_scoped_or_404, scoped
from dukkan.reviews import selectors, services
from dukkan.reviews.models import Review


@store_view(Role.AGENT)
def dashboard(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    reviews = scoped(Review, store).select_related("product")[:300]
    return render(
        request,
        "reviews/dashboard.html",
        {
            "store": store,
            "membership": current_membership(request),
            "reviews": reviews,
            "summary": selectors.summary(selectors.visible(store)),
            "active": "services",
        },
    )


@require_POST
@store_view(Role.AGENT)
def reply(request: HttpRequest, review_id: int) -> HttpResponse:
    store = current_store(request)
    review = get_scoped_or_404(Review, store, pk=review_id)
    try:
        services.reply(review, text=request.POST.get("reply", ""), by=signed_in_user(request))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Your reply is published."))
    return redirect("reviews:dashboard", store_slug=store.slug)


@require_GET
def profile(request: HttpRequest, store_slug: str) -> HttpResponse:
    store = public_store(store_slug)
    if store is None:
        raise Http404
    reviews = selectors.visible(store)
    return render(
        request,
        "reviews/profile.html",
        {"store": store, "reviews": reviews[:100], "summary": selectors.summary(reviews)},
    )


@require_http_methods(["GET", "POST"])
def write(request: HttpRequest, store_slug: str, order_token: str) -> HttpResponse:
    store = public_store(store_slug)
    order = order_by_token(store, order_token) if store else None
    if store is None or order is None:
        raise Http404
    line = order.lines.select_related("product").first()
    if line is None:
        raise Http404
    existing = selectors.for_order(order.pk)
    if request.method == "POST" and existing is None:
        try:
            rating = int(request.POST.get("rating", "0"))
        except ValueError:
            rating = 0
        try:
            services.submit_review(
                order, line.product, rating=rating, comment=request.POST.get("comment", "")
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Thank you for your review."))
            return redirect(
                "reviews_storefront:write", store_slug=store.slug, order_token=order.token
            )
    response = render(
        request,
        "reviews/write.html",
        {
            "store": store,
            "order": order,
            "product": line.product,
            "review": existing or selectors.for_order(order.pk),
            "blocked": "" if existing else services.review_block(order, line.product),
            "posted": request.POST if request.method == "POST" else {},
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response
