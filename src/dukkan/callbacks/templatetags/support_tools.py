"""`{% support_panel conversation store %}`: the conversation's callbacks and what the answer
bot did, for the inbox's side panel."""

from __future__ import annotations

from typing import Any

from django import template

from dukkan.answerbot.selectors import session_of
from dukkan.callbacks.selectors import for_conversation
from dukkan.core.models import Store
from dukkan.support.models import Conversation

register = template.Library()


@register.inclusion_tag("callbacks/_conversation.html")
def support_panel(conversation: Conversation, store: Store) -> dict[str, Any]:
    return {
        "store": store,
        "callbacks": list(for_conversation(conversation)),
        "bot": session_of(conversation),
    }
