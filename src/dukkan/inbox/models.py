"""The agent's workplace around support's conversations: canned replies, capacity, notifications.

Conversations, their events and read cursors belong to `support`; this app only keeps what the
inbox itself needs: the answers agents reuse, how many open conversations each agent takes, the
round-robin position, per-store notification settings and a record of every notice sent once.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dukkan.core.models import Language
from dukkan.core.tenancy import StoreOwned

SHORTCUT_PATTERN = r"^[\w-]+\Z"
BODY_LIMIT = 5000
DEFAULT_CAPACITY = 5


class CannedReply(StoreOwned):
    """An answer an agent inserts by typing `/shortcut`; {name}, {email}, {store}, {agent} fill in."""

    shortcut = models.CharField(
        _("shortcut"),
        max_length=40,
        validators=[
            RegexValidator(
                SHORTCUT_PATTERN,
                _("Use letters, digits, hyphens or underscores only, without spaces."),
            )
        ],
        help_text=_("Type / and this word in the reply box, for example /thanks."),
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(
        _("text"),
        max_length=BODY_LIMIT,
        help_text=_(
            "You may use {name}, {email}, {store} and {agent}: they are filled in when you insert it."
        ),
    )
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["shortcut"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "shortcut"], name="inbox_canned_reply_unique_shortcut"
            )
        ]

    def __str__(self) -> str:
        return f"/{self.shortcut}"


class AgentCapacity(StoreOwned):
    """How many open conversations auto-assignment may give one agent of a store."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_capacities"
    )
    max_open = models.PositiveSmallIntegerField(
        _("open conversations at most"),
        default=DEFAULT_CAPACITY,
        validators=[MaxValueValidator(200)],
    )
    auto_assign = models.BooleanField(_("takes new conversations automatically"), default=True)

    class Meta:
        verbose_name = _("agent capacity")
        verbose_name_plural = _("agent capacities")
        constraints = [
            models.UniqueConstraint(fields=["store", "user"], name="inbox_capacity_one_per_agent")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.store_id}: {self.max_open}"


class AssignmentCursor(StoreOwned):
    """The store's round-robin position: who got the last auto-assigned conversation.

    Its row is locked while choosing the next agent, so two conversations starting at once
    are handed out one after the other, never to the same agent past their capacity.
    """

    last_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["store"], name="inbox_one_cursor_per_store")]


class NotificationSettings(StoreOwned):
    """When the store's people, and its customers, are told by email about unseen messages."""

    agent_emails = models.BooleanField(_("email agents about unseen messages"), default=True)
    agent_after_minutes = models.PositiveSmallIntegerField(
        _("email the assignee or the team after (minutes)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(1440)],
    )
    owner_after_minutes = models.PositiveSmallIntegerField(
        _("then email the owners after (minutes)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(10080)],
    )
    customer_emails = models.BooleanField(
        _("email customers the replies they have not seen"), default=True
    )
    customer_after_minutes = models.PositiveSmallIntegerField(
        _("email customers after (minutes)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(10080)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")
        constraints = [
            models.UniqueConstraint(fields=["store"], name="inbox_one_notification_settings")
        ]


class NoticeKind(models.TextChoices):
    AGENT = "agent", _("agents")
    OWNER = "owner", _("owners")
    CUSTOMER = "customer", _("customer")


class NoticeSent(StoreOwned):
    """One email about one conversation, recorded so that it goes out once.

    `seq` is the conversation event the notice is about: the oldest unseen customer message for
    agents and owners, the newest agent reply of the batch for the customer.
    """

    conversation = models.ForeignKey(
        "support.Conversation", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=NoticeKind.choices)
    seq = models.PositiveBigIntegerField()
    recipients = models.TextField(blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "kind", "seq"], name="inbox_notice_once"
            )
        ]
        indexes = [models.Index(fields=["conversation", "kind", "-seq"])]
