"""`{% answers_panel conversation %}`: the inbox's suggested-articles card for a conversation."""

from __future__ import annotations

from typing import Any

from django import template

from dukkan.answers import selectors

register = template.Library()


@register.inclusion_tag("answers/_inbox_panel.html")
def answers_panel(conversation: Any) -> dict[str, Any]:
    if not selectors.settings_for(conversation.store).enabled:
        return {"hidden": True}
    return selectors.inbox_suggestions(conversation)
