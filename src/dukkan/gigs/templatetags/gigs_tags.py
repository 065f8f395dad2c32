"""Template tags other apps' pages include: a service's packages on its product page, and the
way from a paid checkout order to its gig order."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from dukkan.catalog.models import Product, ProductKind
from dukkan.checkout.models import Order
from dukkan.gigs import selectors
from dukkan.gigs.models import GigOrder

register = template.Library()


@register.simple_tag(takes_context=True)
def service_packages(context: Any, product: Product) -> SafeString:
    """The packages, extras and order form of a service ("" for other products)."""
    if product.kind != ProductKind.SERVICE:
        return mark_safe("")
    from dukkan.checkout.shop_views import provider_choices

    store = product.store
    return mark_safe(
        render_to_string(
            "gigs/_packages.html",
            {
                "product": product,
                "store": store,
                "packages": selectors.packages(product),
                "extras": list(selectors.extras(product)),
                "providers": provider_choices(store, store.currency),
                "csrf_token": context.get("csrf_token"),
            },
        )
    )


@register.simple_tag
def gig_order_link(order: Order) -> SafeString:
    """On the checkout's order page: the button to the service order ("" for other orders)."""
    gig = GigOrder.objects.filter(checkout_order_id=order.pk).first()
    if gig is None:
        return mark_safe("")
    return mark_safe(render_to_string("gigs/_checkout_link.html", {"gig": gig}))


@register.simple_tag
def gig_paid_note(order: Order) -> SafeString:
    """On the checkout's page of a paid order: what happens next for a service ("" for other
    orders, whose page says their files are ready)."""
    if not selectors.is_service_order(order.pk):
        return mark_safe("")
    gig = GigOrder.objects.select_related("store").filter(checkout_order_id=order.pk).first()
    return mark_safe(render_to_string("gigs/_checkout_paid.html", {"order": order, "gig": gig}))
