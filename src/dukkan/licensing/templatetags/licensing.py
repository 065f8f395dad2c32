"""`{% licence_keys_of order as keys %}`: the keys of an order, for the shared templates."""

from __future__ import annotations

from typing import Any

from django import template

from dukkan.licensing.models import LicencePolicy
from dukkan.licensing.selectors import KeyView, keys_for_order

register = template.Library()


@register.simple_tag
def licence_keys_of(order: Any) -> list[KeyView]:
    if order is None or getattr(order, "pk", None) is None:
        return []
    return keys_for_order(order.pk)


@register.simple_tag
def licence_policy_of(product: Any) -> LicencePolicy | None:
    if product is None or getattr(product, "pk", None) is None:
        return None
    return LicencePolicy.objects.filter(product_id=product.pk).first()


@register.simple_tag
def receipt_licence_keys(order: Any) -> list[KeyView]:
    """The keys for a receipt; issues any still missing, as the receipt may be rendered by the
    worker a moment before the OrderPaid handler ran (issuing is idempotent)."""
    if order is None or getattr(order, "pk", None) is None:
        return []
    from dukkan.licensing.services import issue_for_order

    issue_for_order(order)
    return keys_for_order(order.pk)
