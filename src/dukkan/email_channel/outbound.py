"""Mail Dukkan sends in an email conversation: an agent's reply, or the acknowledgement.

Threaded for the customer's mail client (Message-ID, In-Reply-To, References), answerable
(Reply-To: the conversation's signed reply address), HTML and plain text, right-to-left HTML
for Arabic and Persian, with the message's attachment.
"""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from dukkan.email_channel import services
from dukkan.email_channel.models import OutboundKind, OutboundMessage
from dukkan.email_channel.quotes import normalise_subject
from dukkan.support.models import Conversation, ConversationEvent

RTL = {"ar", "fa"}


def _language(conversation: Conversation) -> str:
    for candidate in (
        conversation.language,
        conversation.visitor.language,
        conversation.store.default_language,
    ):
        code = (candidate or "").split("-")[0].lower()
        if code in {"ar", "fa", "en"}:
            return code
    return "en"


def build(outbound: OutboundMessage) -> EmailMultiAlternatives:
    conversation = Conversation.objects.select_related("store", "visitor").get(
        pk=outbound.conversation_id
    )
    event = (
        ConversationEvent.objects.select_related("author", "attachment")
        .filter(pk=outbound.event_id)
        .first()
        if outbound.event_id
        else None
    )
    language = _language(conversation)
    context = {
        "store": conversation.store,
        "conversation": conversation,
        "event": event,
        "language": language,
        "direction": "rtl" if language in RTL else "ltr",
    }
    template = "ack" if outbound.kind == OutboundKind.ACK else "reply"
    with translation.override(language):
        subject = (
            normalise_subject(conversation.subject)
            or render_to_string("email_channel/email/subject.txt", context).strip()
        )
        text = render_to_string(f"email_channel/email/{template}.txt", context)
        html = render_to_string(f"email_channel/email/{template}.html", context)
    earlier = [mid for mid in services.thread_ids(conversation) if mid != outbound.message_id]
    headers = {
        "Message-ID": outbound.message_id,
        "Reply-To": services.reply_address(conversation),
        "Auto-Submitted": "auto-replied" if outbound.kind == OutboundKind.ACK else "no",
    }
    if earlier:
        headers["In-Reply-To"] = earlier[-1]
        headers["References"] = " ".join(earlier)
    message = EmailMultiAlternatives(
        f"Re: {subject}" if earlier else subject,
        text,
        services.sender_of(conversation),
        [outbound.recipient],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    if event is not None and event.attachment is not None:
        attachment = event.attachment
        with attachment.file.open("rb") as handle:
            message.attach(attachment.name, handle.read(), attachment.content_type)
    if outbound.subject != message.subject:
        OutboundMessage.objects.filter(pk=outbound.pk).update(subject=message.subject[:300])
    return message
