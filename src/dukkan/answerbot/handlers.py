"""Subscribers: the bot takes its turn after a customer's message, steps aside when a person
replies, and the customer is asked for a rating by email after a person resolved the chat."""

from __future__ import annotations

import logging

from dukkan.core.events import subscribe
from dukkan.support.events import ConversationStatusChanged, MessagePosted

logger = logging.getLogger(__name__)


@subscribe(MessagePosted)
def bot_turn(event: MessagePosted) -> None:
    """Right after the commit, in-process: the customer sees the answer (or the hand-over) at
    once, and auto-assignment never races the bot for a conversation it still holds."""
    from dukkan.answerbot import services

    if event.author_kind == "visitor":
        services.on_customer_message(event.conversation_id, event.seq)
    elif event.author_kind == "agent":
        services.on_agent_message(event.conversation_id, at=event.occurred_at)


@subscribe(ConversationStatusChanged, as_task=True)
def ask_for_rating(event: ConversationStatusChanged) -> None:
    """A person resolved the conversation: the customer may rate it by email too."""
    if event.new_status != "resolved" or event.actor_id is None:
        return
    from dukkan.answerbot.mail import send_rating_request

    send_rating_request(event.conversation_id)
