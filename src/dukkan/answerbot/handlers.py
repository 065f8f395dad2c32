"""Subscribers: the bot takes its turn after a customer's message, steps aside when a person
replies, and the customer is asked for a rating by email after a person resolved the chat."""

from __future__ import annotations

import logging

from dukkan.core.events import subscribe
from dukkan.support.events import ConversationStatusChanged, MessagePosted

logger = logging.getLogger(__name__)


@subscribe(MessagePosted, as_task=True)
def bot_turn(event: MessagePosted) -> None:
    """In the worker, like the FAQ matching: the customer's send is never slowed down by the
    bot. Auto-assignment does not race it: a store's bot holds a new conversation until the
    bot hands it over (`selectors.held_by_bot`)."""
    from dukkan.answerbot import services

    if event.author_kind == "visitor":
        services.on_customer_message(event.conversation_id, event.seq)


@subscribe(MessagePosted)
def human_reply(event: MessagePosted) -> None:
    """A person replied: the bot steps aside for good; the time to the first reply counts."""
    from dukkan.answerbot import services

    if event.author_kind == "agent":
        services.on_agent_message(event.conversation_id, at=event.occurred_at)


@subscribe(ConversationStatusChanged, as_task=True)
def ask_for_rating(event: ConversationStatusChanged) -> None:
    """A person resolved the conversation: the customer may rate it by email too."""
    if event.new_status != "resolved" or event.actor_id is None:
        return
    from dukkan.answerbot.mail import send_rating_request

    send_rating_request(event.conversation_id)
