"""Reads of the email channel: the dashboard's lists and the inbox's per-message metadata."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.email_channel.models import (
    InboundMessage,
    InboundStatus,
    OutboundKind,
    OutboundMessage,
    OutboundStatus,
    SupportAddress,
)
from dukkan.support.models import Conversation, ConversationEvent


def addresses(store: Store) -> QuerySet[SupportAddress]:
    return scoped(SupportAddress, store).order_by("address")


def problems(store: Store, limit: int = 50) -> QuerySet[InboundMessage]:
    """Received mail that did not become a message (failed or ignored), newest first."""
    return (
        scoped(InboundMessage, store)
        .filter(status__in=[InboundStatus.FAILED, InboundStatus.IGNORED])
        .defer("raw", "html", "quoted")
        .order_by("-received_at")[:limit]
    )


def undelivered(store: Store, limit: int = 50) -> QuerySet[OutboundMessage]:
    return (
        scoped(OutboundMessage, store)
        .filter(status__in=[OutboundStatus.FAILED, OutboundStatus.BOUNCED, OutboundStatus.RETRYING])
        .order_by("-created_at")[:limit]
    )


def inbound(store: Store, inbound_id: int) -> InboundMessage | None:
    return scoped(InboundMessage, store).filter(pk=inbound_id).first()


@dataclass
class MailInfo:
    """What the inbox shows under a message that came or went by mail."""

    inbound: InboundMessage | None = None
    outbound: OutboundMessage | None = None


def mail_info(event: ConversationEvent) -> MailInfo:
    info = MailInfo()
    info.inbound = (
        InboundMessage.objects.filter(store_id=event.store_id, event_id=event.pk)
        .defer("raw")
        .first()
    )
    if event.author_kind == "agent":
        info.outbound = (
            OutboundMessage.objects.filter(store_id=event.store_id, event_id=event.pk)
            .exclude(kind=OutboundKind.ACK)
            .first()
        )
    return info


def conversation_mail(conversation: Conversation) -> dict[str, str]:
    """For an email conversation's header: the customer's address and the store's address."""
    from dukkan.email_channel.services import store_address

    address = store_address(conversation.store, conversation)
    return {
        "customer": conversation.visitor.email or "",
        "address": address.address if address else "",
    }
