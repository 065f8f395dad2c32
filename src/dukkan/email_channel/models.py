"""Email as a support channel: each store's addresses, every raw message received (stored
before anything else), and the email metadata of conversation messages sent by mail.

Support owns conversations and their events; this app only links its rows to them
(`event_id`, `conversation_id`), so support's tables stay channel-agnostic.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from dukkan.core.tenancy import StoreOwned


def new_token() -> str:
    return secrets.token_urlsafe(24)


class SupportAddress(StoreOwned):
    """An address customers write to, e.g. support@store.example; replies go out from it."""

    address = models.EmailField(_("address"), unique=True)
    name = models.CharField(_("sender name"), max_length=120, blank=True)
    # Optional: poll this mailbox over IMAP instead of (or as well as) receiving by SMTP.
    imap_host = models.CharField(_("IMAP server"), max_length=200, blank=True)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_ssl = models.BooleanField(_("IMAP over TLS"), default=True)
    imap_user = models.CharField(_("IMAP user"), max_length=200, blank=True)
    imap_password = models.CharField(_("IMAP password"), max_length=200, blank=True)
    imap_folder = models.CharField(_("IMAP folder"), max_length=200, default="INBOX")
    # The polling cursor: the folder's UIDVALIDITY and the highest UID already stored.
    imap_uidvalidity = models.BigIntegerField(null=True, blank=True, editable=False)
    imap_last_uid = models.BigIntegerField(default=0, editable=False)
    imap_error = models.CharField(max_length=500, blank=True, editable=False)
    # Provider webhooks: Mailgun signs with the account's signing key; Postmark has no
    # signature, so its webhook URL carries this secret token (or basic auth with it).
    mailgun_signing_key = models.CharField(_("Mailgun signing key"), max_length=200, blank=True)
    webhook_token = models.CharField(max_length=64, default=new_token, unique=True, editable=False)
    acknowledge = models.BooleanField(
        _("acknowledge new conversations"),
        default=False,
        help_text=_("Send one automatic acknowledgement per new email conversation."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("support address")
        verbose_name_plural = _("support addresses")
        ordering = ["address"]

    def __str__(self) -> str:
        return self.address

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2]

    @property
    def polls_imap(self) -> bool:
        return bool(self.imap_host and self.imap_user)


class InboundStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    POSTED = "posted", _("Added to a conversation")
    FAILED = "failed", _("Failed")
    IGNORED = "ignored", _("Ignored")


class InboundMessage(StoreOwned):
    """One raw message as it arrived, kept whatever happens to it afterwards."""

    raw = models.BinaryField()
    size = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=16)  # smtp, imap, mailgun, postmark
    envelope_from = models.CharField(max_length=320, blank=True)
    envelope_to = models.CharField(max_length=320, blank=True)
    message_id = models.CharField(max_length=500, blank=True, db_index=True)
    sender = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=16, choices=InboundStatus.choices, default=InboundStatus.RECEIVED
    )
    reason = models.CharField(max_length=500, blank=True)
    conversation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    event_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    # Sanitised HTML part, for display beside the clean text.
    html = models.TextField(blank=True)
    quoted = models.TextField(blank=True)  # the folded-away history and signature
    attempts = models.PositiveSmallIntegerField(default=0)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["store", "status", "-received_at"]),
            models.Index(fields=["store", "sender", "-received_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.message_id or self.pk}"


class OutboundStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    RETRYING = "retrying", _("Retrying")
    FAILED = "failed", _("Not delivered")
    BOUNCED = "bounced", _("Bounced")


class OutboundKind(models.TextChoices):
    REPLY = "reply", _("Reply")
    DIGEST = "digest", _("Unseen replies")
    AGENT_NOTICE = "agent", _("Agent notification")
    ACK = "ack", _("Acknowledgement")


class OutboundMessage(StoreOwned):
    """A mail Dukkan sent (or tries to send) about a conversation."""

    conversation_id = models.BigIntegerField(db_index=True)
    event_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    # The last agent message seq this mail covers (digests cover a burst).
    seq = models.PositiveBigIntegerField(default=0)
    kind = models.CharField(max_length=16, choices=OutboundKind.choices)
    message_id = models.CharField(max_length=500, unique=True)
    recipient = models.CharField(max_length=320)
    subject = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=16, choices=OutboundStatus.choices, default=OutboundStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["conversation_id", "kind", "-seq"])]

    def __str__(self) -> str:
        return self.message_id
