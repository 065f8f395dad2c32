"""Subscribers of support's events: an agent's reply in an email conversation goes out by mail."""

from __future__ import annotations

from dukkan.core.events import subscribe
from dukkan.email_channel.models import OutboundKind, OutboundMessage
from dukkan.support.events import MessagePosted
from dukkan.support.models import AuthorKind, Channel, ConversationEvent, EventKind


@subscribe(MessagePosted)
def mail_agent_reply(event: MessagePosted) -> None:
    """Runs right after commit: records the mail and queues its sending (a task with retries).

    Agent replies that themselves came in by mail (an agent answering a notification) go to
    the customer too: that is the point of answering by mail.
    """
    from dukkan.email_channel.services import queue_mail

    if event.author_kind != AuthorKind.AGENT:
        return
    message = (
        ConversationEvent.objects.select_related("conversation__store", "conversation__visitor")
        .filter(conversation_id=event.conversation_id, seq=event.seq, kind=EventKind.MESSAGE)
        .first()
    )
    if message is None or message.conversation.channel != Channel.EMAIL:
        return
    if OutboundMessage.objects.filter(event_id=message.pk, kind=OutboundKind.REPLY).exists():
        return
    queue_mail(message.conversation, OutboundKind.REPLY, event=message)
