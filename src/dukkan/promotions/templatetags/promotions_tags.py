"""Template tags other apps' pages use to show promotions (My purchases, the receipt)."""

from __future__ import annotations

from typing import Any

from django import template

from dukkan.checkout.models import Order
from dukkan.core.models import Store
from dukkan.promotions import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def upgrades_for(
    context: Any, store: Store, email: str, order: Order
) -> list[selectors.UpgradeOffer]:
    """Upgrades the owner of `order`'s products may buy (computed once per page)."""
    key = "_promotions_upgrades"
    found = context.get(key)
    if found is None:
        found = selectors.upgrade_offers(store, email)
        context.dicts[0][key] = found
    return [offer for offer in found if offer.from_order_id == order.pk]


@register.simple_tag
def after_offers_for(order: Order) -> list[selectors.AfterOffer]:
    return selectors.after_purchase_offers(order)


@register.simple_tag
def receipt_offers(order: Order) -> list[dict[str, Any]]:
    """The after-purchase offers of a receipt email, each with an absolute link to it."""
    from django.conf import settings
    from django.urls import reverse

    found = []
    for offer in selectors.after_purchase_offers(order):
        name = (
            "promotions_storefront:upsell"
            if offer.kind == "upsell"
            else "promotions_storefront:together"
        )
        path = reverse(name, args=[order.store.slug, order.token, offer.offer_id])
        found.append({"offer": offer, "url": f"{settings.DUKKAN_BASE_URL}{path}"})
    return found
