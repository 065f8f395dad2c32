from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils import translation

from dukkan.core.money import format_decimal_locale

register = template.Library()


@register.filter
def bp_percent(bp: int) -> str:
    """Basis points as a percentage in the page's digits: 1250 → "12.5%"."""
    value = (Decimal(int(bp)) / 100).normalize()
    return format_decimal_locale(value, translation.get_language() or "en") + "%"


@register.simple_tag
def my_affiliations(user: Any) -> list[Any]:
    """The stores where `user` is an affiliate (for the signed-in person's dashboard home)."""
    from dukkan.affiliates.models import Affiliate

    if not getattr(user, "is_authenticated", False):
        return []
    return list(Affiliate.objects.filter(user=user).select_related("store").order_by("store__name"))
