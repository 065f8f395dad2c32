"""Template filters of the checkout pages."""

from __future__ import annotations

from decimal import Decimal

from django import template

from dukkan.core.money import format_decimal_locale

register = template.Library()


@register.filter
def vat_percent(basis_points: int | None) -> str:
    """1500 → "15", 250 → "2.5", in the page's digits."""
    from django.utils.translation import get_language

    value = (Decimal(basis_points or 0) / 100).normalize()
    return format_decimal_locale(value, get_language() or "en")


@register.filter
def status_label(value: str) -> str:
    """An order status code as the reader's words."""
    from dukkan.checkout.models import OrderStatus

    try:
        return str(OrderStatus(value).label)
    except ValueError:
        return value or "—"


@register.filter
def actor_label(value: str) -> str:
    """Who acted, when no person did: the buyer, the system, delivery or a provider."""
    from django.utils.translation import gettext

    from dukkan.checkout.payments import registry

    words = {
        "buyer": gettext("the buyer"),
        "system": gettext("the system"),
        "delivery": gettext("delivery"),
    }
    if value in words:
        return words[value]
    provider = registry.provider_class(value)
    return str(provider.label) if provider is not None else value
