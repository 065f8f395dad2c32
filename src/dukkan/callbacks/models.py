"""Callback requests: a promise with a deadline, an agent, reminders, escalation and attempts."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dukkan.core.tenancy import StoreOwned


class CallbackSettings(StoreOwned):
    within_hours = models.PositiveSmallIntegerField(
        _("call back within (business hours)"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(80)],
    )
    remind_minutes = models.PositiveSmallIntegerField(
        _("remind the agent (minutes before the deadline)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
    )
    retry_hours = models.PositiveSmallIntegerField(
        _("next attempt after no answer (business hours)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(40)],
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts at most"), default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )

    class Meta:
        verbose_name = _("callback settings")
        constraints = [models.UniqueConstraint(fields=["store"], name="callbacks_one_settings")]

    def __str__(self) -> str:
        return f"callbacks@{self.store_id}"


class Source(models.TextChoices):
    WIDGET = "widget", _("Chat widget")
    HELP_CENTER = "helpcenter", _("Help center")
    AGENT = "agent", _("An agent, for the customer")


class CallbackStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    DONE = "done", _("Done")
    FAILED = "failed", _("Could not be reached")


class Outcome(models.TextChoices):
    REACHED = "reached", _("Reached")
    NO_ANSWER = "no_answer", _("No answer")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    RESOLVED = "resolved", _("Resolved")


class CallbackRequest(StoreOwned):
    conversation = models.ForeignKey(
        "support.Conversation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="callbacks",
    )
    visitor = models.ForeignKey(
        "support.Visitor", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20)  # E.164
    topic = models.CharField(_("topic"), max_length=500)
    language = models.CharField(max_length=5, default="en")
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.WIDGET)
    window_start = models.DateTimeField(_("from"), null=True, blank=True)
    window_end = models.DateTimeField(_("until"), null=True, blank=True)
    deadline = models.DateTimeField(_("deadline"))
    team = models.ForeignKey(
        "answerbot.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    status = models.CharField(
        max_length=10, choices=CallbackStatus.choices, default=CallbackStatus.SCHEDULED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalations = models.PositiveSmallIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    client_id = models.CharField(max_length=64, blank=True)  # the widget's id: a retry is no dupe
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("callback request")
        verbose_name_plural = _("callback requests")
        ordering = ["deadline", "pk"]
        indexes = [
            models.Index(fields=["store", "status", "deadline"]),
            models.Index(fields=["status", "deadline"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "client_id"],
                condition=~models.Q(client_id=""),
                name="callbacks_client_id_once",
            )
        ]

    def __str__(self) -> str:
        return f"callback #{self.pk} {self.phone}"

    @property
    def tel(self) -> str:
        return f"tel:{self.phone}"


class CallbackAttempt(StoreOwned):
    request = models.ForeignKey(CallbackRequest, on_delete=models.CASCADE, related_name="tries")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.outcome}"
