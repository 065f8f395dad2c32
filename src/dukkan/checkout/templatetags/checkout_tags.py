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
