"""`{% seller_level store %}`: the seller's level as a small badge on listings.
`{% pricing_guidance store "service" %}`: the category's price distribution for a seller
(the service editor and the report card show the same block)."""

from __future__ import annotations

from typing import Any

from babel.core import Locale
from babel.numbers import get_currency_name
from django import template
from django.utils.translation import get_language

from dukkan.core.money import BABEL_LOCALES
from dukkan.reportcards.models import Level
from dukkan.reportcards.selectors import level_of
from dukkan.reportcards.selectors import pricing_guidance as guidance

register = template.Library()


@register.inclusion_tag("reportcards/_level_badge.html")
def seller_level(store: Any) -> dict[str, Any]:
    level = level_of(store.pk)
    return {"level": level, "label": dict(Level.choices)[level]}


@register.inclusion_tag("reportcards/_pricing.html")
def pricing_guidance(store: Any, category: str = "service") -> dict[str, Any]:
    language = (get_language() or "en").split("-")[0]
    name = get_currency_name(store.currency, locale=Locale.parse(BABEL_LOCALES.get(language, "en")))
    return {
        "store": store,
        "pricing": guidance(store.pk, category, store.currency),
        "currency_name": name,
    }
