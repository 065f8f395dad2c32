"""`{% seller_level store %}`: the seller's level as a small badge on listings."""

from __future__ import annotations

from typing import Any

from django import template

from dukkan.reportcards.models import Level
from dukkan.reportcards.selectors import level_of

register = template.Library()


@register.inclusion_tag("reportcards/_level_badge.html")
def seller_level(store: Any) -> dict[str, Any]:
    level = level_of(store.pk)
    return {"level": level, "label": dict(Level.choices)[level]}
