from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import translation

from dukkan.core.money import format_decimal_locale

register = template.Library()


@register.filter
def bp_percent(bp: int) -> str:
    """Basis points as a percentage in the page's digits: 1250 → "12.5%"."""
    value = (Decimal(int(bp)) / 100).normalize()
    return format_decimal_locale(value, translation.get_language() or "en") + "%"
