"""A store's mailing list: subscribers with their consent history, segments, campaigns with one
row per recipient, automated sequences, and the outgoing subscribe/unsubscribe webhook.

Consent is evidence: who subscribed, from where, when, from which (hashed) IP address, and when
they confirmed; every change is one `SubscriptionEvent` row, so the history is never rewritten.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dukkan.core.tenancy import StoreOwned


def empty_list() -> list[Any]:
    return []


def empty_dict() -> dict[str, Any]:
    return {}


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class MailingSettings(models.Model):
    store = models.OneToOneField(
        "core.Store", on_delete=models.CASCADE, related_name="mailing_settings"
    )
    from_address = models.EmailField(
        _("From address"),
        blank=True,
        help_text=_("Leave empty to send from the platform's address, with your store's name."),
    )
    reply_to = models.EmailField(_("Reply-To address"), blank=True)
    tracking_enabled = models.BooleanField(
        _("track opens and clicks"),
        default=False,
        help_text=_("Adds a tracking pixel and redirect links to campaigns. Off by default."),
    )
    rate_per_minute = models.PositiveIntegerField(_("messages per minute at most"), default=30000)
    webhook_url = models.URLField(_("webhook address"), blank=True)
    webhook_secret = models.CharField(max_length=64, default=new_webhook_secret, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mailing settings")
        verbose_name_plural = _("mailing settings")

    def __str__(self) -> str:
        return f"mailing settings of store {self.store_id}"


class SubscriberStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    SUBSCRIBED = "subscribed", _("Subscribed")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")


class Source(models.TextChoices):
    CHECKOUT = "checkout", _("Checkout")
    STOREFRONT = "storefront", _("Store page")
    HELP_CENTER = "help_center", _("Help center")
    DASHBOARD = "dashboard", _("Added by the team")
    EMAIL = "email", _("Email")


class Subscriber(StoreOwned):
    email = models.EmailField(_("email"))  # stored lower-cased
    contact = models.ForeignKey(
        "crm.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=5, default="en")
    status = models.CharField(
        _("status"), max_length=20, choices=SubscriberStatus.choices, db_index=True
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    # Proof of consent: when, from which network (SHA-256 of the IP with the site key).
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    consent_ip_hash = models.CharField(max_length=64, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["store", "email"], name="marketing_subscriber_email")
        ]
        indexes = [models.Index(fields=["store", "status"])]

    def __str__(self) -> str:
        return self.email


class SubscriptionEvent(StoreOwned):
    """One change of a subscriber's consent: the history that is never rewritten."""

    class Action(models.TextChoices):
        REQUESTED = "requested", _("Asked to subscribe")
        CONFIRMED = "confirmed", _("Confirmed")
        SUBSCRIBED = "subscribed", _("Subscribed")
        RESUBSCRIBED = "resubscribed", _("Subscribed again")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    source = models.CharField(max_length=20, blank=True)
    ip_hash = models.CharField(max_length=64, blank=True)
    detail = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.subscriber_id} {self.action}"


class Segment(StoreOwned):
    """A saved audience: confirmed subscribers matching ALL of `rules` (see `segments.py`)."""

    name = models.CharField(_("name"), max_length=120)
    rules = models.JSONField(_("rules"), default=empty_list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")


class Campaign(StoreOwned):
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message (Markdown)"))
    language = models.CharField(_("language"), max_length=5, default="en")
    segment = models.ForeignKey(
        Segment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
        verbose_name=_("segment"),
        help_text=_("Leave empty to send to every confirmed subscriber."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    scheduled_for = models.DateTimeField(_("send at"), null=True, blank=True)
    # A snapshot of the store's tracking choice when sending started.
    tracking = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "scheduled_for"])]

    def __str__(self) -> str:
        return self.subject

    @property
    def dir(self) -> str:
        return "rtl" if self.language in {"ar", "fa"} else "ltr"


class RecipientStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    BOUNCED = "bounced", _("Bounced")
    SKIPPED = "skipped", _("Skipped")


class CampaignRecipient(StoreOwned):
    """One recipient of one campaign. The status moves pending → sending → sent|failed once;
    a worker claims rows atomically, so no address is ever mailed twice."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    status = models.CharField(
        max_length=20, choices=RecipientStatus.choices, default=RecipientStatus.PENDING
    )
    claim = models.CharField(max_length=32, blank=True)  # the batch that took the row
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    message_id = models.CharField(max_length=200, blank=True, db_index=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    clicked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "subscriber"], name="marketing_recipient_once"
            )
        ]
        indexes = [
            models.Index(fields=["campaign", "status"]),
            models.Index(fields=["store", "claimed_at"]),
            models.Index(fields=["claim"]),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} → {self.email}"


class AutomationKind(models.TextChoices):
    THANK_YOU = "thank_you", _("After a purchase: thank you (day 0)")
    CHECK_IN = "check_in", _("After a purchase: how is it going? (day 3)")
    REVIEW = "review", _("After a purchase: review request (day 14)")
    LICENCE_ENDING = "licence_ending", _("Before a licence ends")
    SALE_ENDING = "sale_ending", _("Before a sale ends")


class AutomatedEmail(StoreOwned):
    kind = models.CharField(_("kind"), max_length=20, choices=AutomationKind.choices)
    enabled = models.BooleanField(_("switched on"), default=False)
    # Days after the purchase, or days before the licence/sale ends.
    days = models.PositiveIntegerField(_("days"), default=0)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message (Markdown)"))
    language = models.CharField(_("language"), max_length=5, default="en")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("automated email")
        verbose_name_plural = _("automated emails")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["store", "kind"], name="marketing_automation_kind")
        ]

    def __str__(self) -> str:
        return self.kind


class AutomatedSend(StoreOwned):
    """One automated email to one person for one occasion: the unique key makes it once."""

    automation = models.ForeignKey(AutomatedEmail, on_delete=models.CASCADE, related_name="sends")
    key = models.CharField(max_length=120)
    email = models.EmailField()
    status = models.CharField(max_length=20, choices=RecipientStatus.choices)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["automation", "key"], name="marketing_send_once")
        ]

    def __str__(self) -> str:
        return f"{self.automation_id} {self.key}"


class WebhookDelivery(StoreOwned):
    """A subscribe/unsubscribe notice to the seller's external mailing service."""

    event = models.CharField(max_length=40)
    url = models.URLField()
    payload = models.JSONField(default=empty_dict)
    attempts = models.PositiveIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)
    gave_up = models.BooleanField(default=False)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["store", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(delivered_at__isnull=True) | Q(gave_up=False),
                name="marketing_webhook_state",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.url}"
