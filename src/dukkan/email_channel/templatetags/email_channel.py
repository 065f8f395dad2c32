"""Inbox template tags: email metadata under a message, the email line of a conversation."""

from __future__ import annotations

from typing import Any

from django import template

from dukkan.email_channel import selectors
from dukkan.support.models import Conversation, ConversationEvent

register = template.Library()


@register.inclusion_tag("email_channel/_message_meta.html")
def mail_meta(event: ConversationEvent, store: Any) -> dict[str, Any]:
    info = selectors.mail_info(event)
    return {"info": info, "event": event, "store": store}


@register.inclusion_tag("email_channel/_conversation_meta.html")
def conversation_mail(conversation: Conversation) -> dict[str, Any]:
    if conversation.channel != "email":
        return {"show": False}
    return {"show": True, **selectors.conversation_mail(conversation)}
