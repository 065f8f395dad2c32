"""The buyer's side of offers: one-click offers after a purchase, and upgrades.

An after-purchase offer is reached with the order's token (the confirmation page, the
receipt email): whoever holds it is the buyer. An upgrade needs the buyer's My purchases
session, which proves the email address that owns the earlier product.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from dukkan.checkout.selectors import order_by_token
from dukkan.core.models import Store
from dukkan.core.tenancy import get_scoped_or_404
from dukkan.promotions import selectors, services
from dukkan.promotions.models import UpgradePath


def _store(store_slug: str) -> Store:
    return get_object_or_404(Store, slug=store_slug, is_active=True)


def _after(
    request: HttpRequest, store_slug: str, order_token: str, kind: str, offer_id: int
) -> HttpResponse:
    store = _store(store_slug)
    order = order_by_token(store, order_token)
    if order is None:
        raise Http404
    offer = selectors.after_purchase_offer(order, kind, offer_id)
    error = ""
    if request.method == "POST" and offer is not None:
        language = translation.get_language() or order.language
        try:
            taken = services.take_offer(order, kind, offer_id, language=language)
        except ValidationError as problem:
            error = problem.messages[0]
        else:
            if taken.order is not None:
                from dukkan.checkout.shop_views import urls_for

                return HttpResponseRedirect(urls_for(taken.order, taken.order.provider).order_path)
            return HttpResponseRedirect(taken.checkout_url)
    return render(
        request,
        "promotions/after_offer.html",
        {"store": store, "order": order, "offer": offer, "error": error},
        status=200 if offer is not None and not error else 410,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def upsell(request: HttpRequest, store_slug: str, order_token: str, upsell_id: int) -> HttpResponse:
    return _after(request, store_slug, order_token, "upsell", upsell_id)


@never_cache
@require_http_methods(["GET", "POST"])
def together(
    request: HttpRequest, store_slug: str, order_token: str, cross_sell_id: int
) -> HttpResponse:
    return _after(request, store_slug, order_token, "together", cross_sell_id)


@never_cache
@require_http_methods(["GET", "POST"])
def upgrade(request: HttpRequest, store_slug: str, upgrade_id: int) -> HttpResponse:
    from dukkan.delivery.views import signed_in_email

    store = _store(store_slug)
    path = get_scoped_or_404(
        UpgradePath.objects.select_related("from_product", "to_product"),
        store,
        pk=upgrade_id,
        is_active=True,
    )
    email = signed_in_email(request, store)
    offer = None
    if email:
        offer = next(
            (o for o in selectors.upgrade_offers(store, email) if o.path.pk == path.pk), None
        )
    if request.method == "POST" and email and offer is not None:
        token, product = services.upgrade_token(store, email, path.pk)
        return HttpResponseRedirect(
            services.checkout_url(store, product, token, translation.get_language() or "en")
        )
    return render(
        request,
        "promotions/upgrade.html",
        {"store": store, "path": path, "email": email, "offer": offer},
        status=200 if offer is not None or not email else 403,
    )
