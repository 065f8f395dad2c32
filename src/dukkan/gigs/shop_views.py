"""The buyer's side: order a package, fill in the requirements, follow the order, talk to
the seller, accept or ask for a revision, cancel a late order. The order's secret token in
the address is the buyer's key (like checkout's order page)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dukkan.checkout import shop_views as checkout_views
from dukkan.core.models import Store
from dukkan.core.selectors import public_store
from dukkan.gigs import selectors, services
from dukkan.gigs.models import GigOrder, ServicePackage


def _store(store_slug: str) -> Store:
    store = public_store(store_slug)
    if store is None:
        raise Http404
    return store


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_POST
def order_package(request: HttpRequest, store_slug: str, gig_package_id: int) -> HttpResponse:
    """The buyer chose a package (and extras) on the service page: a checkout order, then
    the payment provider."""
    store = _store(store_slug)
    package = (
        ServicePackage.objects.select_related("product__store")
        .filter(store=store, pk=gig_package_id, product__visibility__in=["published", "unlisted"])
        .first()
    )
    from dukkan.catalog.selectors import product_for_sale

    # Only a service the storefront shows (published, not held by listing review).
    if package is None or product_for_sale(store, package.product.slug) is None:
        raise Http404
    # Chosen on the form (a hidden field when the store has one method), like checkout's.
    provider = request.POST.get("provider", "")
    try:
        extra_ids = [int(x) for x in request.POST.getlist("extras")]
        order = services.order_package(
            package,
            email=request.POST.get("email", ""),
            name=request.POST.get("name", ""),
            language=get_language() or store.default_language,
            provider=provider,
            buyer=request.user if request.user.is_authenticated else None,
            extra_ids=extra_ids,
        )
    except ValueError:
        messages.error(request, _("Choose extras of this service only."))
    except ValidationError as error:
        _errors(request, error)
    else:
        return checkout_views._send_to_provider(order)  # the same payment start as checkout
    from dukkan.catalog.selectors import product_url

    return redirect(product_url(package.product) + "#packages")


def _order(store_slug: str, token: str) -> GigOrder:
    order = selectors.gig_order_by_token(_store(store_slug), token)
    if order is None:
        raise Http404
    return order


@require_GET
def order_page(request: HttpRequest, store_slug: str, gig_token: str) -> HttpResponse:
    order = _order(store_slug, gig_token)
    context = selectors.order_page(order, for_buyer=True)
    from dukkan.reviews.selectors import for_order

    context |= {"store": order.store, "side": "buyer", "review": for_order(order.checkout_order_id)}
    response = render(request, "gigs/order.html", context)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_POST
def order_action(
    request: HttpRequest, store_slug: str, gig_token: str, gig_action: str
) -> HttpResponse:
    order = _order(store_slug, gig_token)
    buyer = request.user if request.user.is_authenticated else None
    reason = request.POST.get("reason", "")
    try:
        if gig_action == "requirements":
            answers = {
                question.pk: request.POST.get(f"q{question.pk}", "")
                for question in selectors.questions(order.product)
            }
            files = {
                question.pk: request.FILES.getlist(f"q{question.pk}")
                for question in selectors.questions(order.product)
            }
            services.submit_requirements(order, answers, files, by=buyer)
            messages.success(request, _("Thank you. The seller has started on your order."))
        elif gig_action == "accept":
            services.accept(order, by=buyer)
            messages.success(request, _("The order is complete. You can now review it."))
        elif gig_action == "revision":
            services.request_revision(order, note=reason, by=buyer)
        elif gig_action == "cancel-late":
            services.cancel_late(order, by=buyer)
            messages.success(request, _("The order is cancelled and your payment refunded."))
        elif gig_action == "propose-cancel":
            services.propose_cancel(order, role=services.BUYER, reason=reason, by=buyer)
        elif gig_action in ("accept-cancel", "decline-cancel"):
            services.answer_cancel(
                order,
                role=services.BUYER,
                agree=gig_action == "accept-cancel",
                by=buyer,
            )
        elif gig_action == "dispute":
            services.open_dispute(order, role=services.BUYER, reason=reason, by=buyer)
        elif gig_action == "message":
            services.post_buyer_message(order, request.POST.get("body", ""))
        else:
            raise Http404
    except ValidationError as error:
        _errors(request, error)
    return redirect("gigs_storefront:order", store_slug=order.store.slug, gig_token=order.token)


@require_GET
def order_file(
    request: HttpRequest, store_slug: str, gig_token: str, file_kind: str, gig_file_id: int
) -> HttpResponseBase:
    order = _order(store_slug, gig_token)
    return serve_file(order, file_kind, gig_file_id)


def serve_file(order: GigOrder, kind: str, gig_file_id: int) -> HttpResponseBase:
    """A delivery or requirement file of `order`, as a download."""
    from dukkan.gigs.models import DeliveryFile, RequirementFile

    found: DeliveryFile | RequirementFile | None = None
    if kind == "delivery":
        found = DeliveryFile.objects.filter(delivery__order=order, pk=gig_file_id).first()
    elif kind == "requirement":
        found = order.requirement_files.filter(pk=gig_file_id).first()
    if found is None:
        raise Http404
    try:
        handle = found.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, as_attachment=True, filename=found.name)
    response["Cache-Control"] = "private, no-store"
    return response
