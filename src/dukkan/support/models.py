"""Conversations between a store's visitors and its agents, as a gap-free log of events.

Every conversation numbers its events 1, 2, 3, … with no gaps (`ConversationEvent.seq`): messages,
internal notes, status changes, assignments and read receipts. `Conversation.last_seq` is the
highest number given out; it is read and raised under a row lock in the same transaction that
inserts the event, so two writers never get the same number and a rolled-back write leaves no
hole. Clients resume by saying the last `seq` they hold; see docs/protocol.md.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dukkan.core.tenancy import StoreOwned

MESSAGE_LIMIT = 10_000  # characters in one message or note
CLIENT_ID_LIMIT = 64
ATTACHMENT_LIMIT = 10 * 1024 * 1024  # bytes
ATTACHMENT_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/pdf": "pdf",
}


class Visitor(StoreOwned):
    """Someone who opened a store's chat; remembered across pages and visits by a signed token."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    contact = models.ForeignKey(
        "crm.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visitors",
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    # The host site's user id, set only when the host signed it with the store secret.
    external_id = models.CharField(_("verified user id"), max_length=200, blank=True)
    page_url = models.URLField(_("last page"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("visitor")
        verbose_name_plural = _("visitors")
        indexes = [models.Index(fields=["store", "external_id"])]

    def __str__(self) -> str:
        return self.name or self.email or _("Visitor %(number)s") % {"number": self.pk}

    @property
    def display_name(self) -> str:
        return str(self)


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending")
    SNOOZED = "snoozed", _("Snoozed")
    RESOLVED = "resolved", _("Resolved")


class Priority(models.IntegerChoices):
    NONE = 0, _("No priority")
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class Channel(models.TextChoices):
    WIDGET = "widget", _("Website chat")
    STOREFRONT = "storefront", _("Store page chat")
    EMAIL = "email", _("Email")


class Label(StoreOwned):
    name = models.CharField(_("name"), max_length=60)
    color = models.CharField(_("colour"), max_length=7, default="#6b7280")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["store", "name"], name="support_label_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Conversation(StoreOwned):
    visitor = models.ForeignKey(Visitor, on_delete=models.CASCADE, related_name="conversations")
    contact = models.ForeignKey(
        "crm.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
    )
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.WIDGET
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    snoozed_until = models.DateTimeField(_("snoozed until"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NONE
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_conversations",
        verbose_name=_("assignee"),
    )
    labels = models.ManyToManyField(Label, blank=True, related_name="conversations")
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)

    # The event log's head: the highest seq given out, raised under a row lock.
    last_seq = models.PositiveBigIntegerField(default=0)
    # Summary of the latest customer-visible message, for lists.
    last_message_at = models.DateTimeField(null=True, blank=True)
    last_message_preview = models.CharField(max_length=200, blank=True)
    last_message_author = models.CharField(max_length=16, blank=True)
    # seq of the newest message by each side (0: none yet).
    last_visitor_message_seq = models.PositiveBigIntegerField(default=0)
    last_agent_message_seq = models.PositiveBigIntegerField(default=0)
    # When the oldest visitor message no agent has read yet was sent (None: all read).
    unseen_since = models.DateTimeField(null=True, blank=True)
    # Read and delivery cursors: every event with seq <= cursor has reached / been seen by
    # that side (for agents: by at least one agent of the store).
    visitor_delivered_seq = models.PositiveBigIntegerField(default=0)
    visitor_read_seq = models.PositiveBigIntegerField(default=0)
    agent_delivered_seq = models.PositiveBigIntegerField(default=0)
    agent_read_seq = models.PositiveBigIntegerField(default=0)

    # Figures for reporting.
    first_visitor_message_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Normalised text of the contact and every message, for search (core.text.normalise).
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        indexes = [
            models.Index(fields=["store", "status", "-updated_at"]),
            models.Index(fields=["store", "assignee", "status"]),
            models.Index(fields=["visitor", "-created_at"]),
            models.Index(fields=["status", "snoozed_until"]),
            models.Index(fields=["store", "-last_message_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def has_unread_for_agents(self) -> bool:
        return self.last_visitor_message_seq > self.agent_read_seq

    @property
    def has_unread_for_visitor(self) -> bool:
        return self.last_agent_message_seq > self.visitor_read_seq


class EventKind(models.TextChoices):
    MESSAGE = "message", _("Message")
    NOTE = "note", _("Internal note")
    STATUS = "status", _("Status changed")
    ASSIGNMENT = "assignment", _("Assigned")
    LABELS = "labels", _("Labels changed")
    PRIORITY = "priority", _("Priority changed")
    RECEIPT = "receipt", _("Read")


class AuthorKind(models.TextChoices):
    VISITOR = "visitor", _("Visitor")
    AGENT = "agent", _("Agent")
    SYSTEM = "system", _("System")


# What a visitor's connection may ever see; notes and internal changes never reach it.
VISITOR_KINDS = frozenset({EventKind.MESSAGE, EventKind.STATUS, EventKind.RECEIPT})


class Attachment(StoreOwned):
    """An uploaded image or PDF, checked by its bytes (`services.save_attachment`)."""

    file = models.FileField(upload_to="support/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    visitor = models.ForeignKey(
        Visitor, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class ConversationEvent(StoreOwned):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    author_kind = models.CharField(max_length=16, choices=AuthorKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    body = models.TextField(blank=True)
    client_id = models.CharField(max_length=CLIENT_ID_LIMIT, blank=True)
    attachment = models.ForeignKey(
        Attachment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    search_body = models.TextField(blank=True, editable=False)  # normalised body, for search
    # Kind-specific details, e.g. {"from": "open", "to": "resolved"} or {"read_seq": 12}.
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["conversation", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="support_event_seq"),
            models.UniqueConstraint(
                fields=["conversation", "client_id"],
                condition=~Q(client_id=""),
                name="support_event_client_id",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.conversation_id}/{self.seq} {self.kind}"

    @property
    def visible_to_visitor(self) -> bool:
        return self.kind in VISITOR_KINDS
