"""The answer bot's settings and per-conversation state, teams with their languages and hours,
and customers' ratings of resolved conversations."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dukkan.core.hours import validate_hours
from dukkan.core.tenancy import StoreOwned

DEFAULT_THRESHOLD = 0.55
MAX_UNANSWERED = 2  # turns the bot could not answer before a person takes over


def validate_languages(value: object) -> None:
    from django.core.exceptions import ValidationError

    if not isinstance(value, list) or any(code not in ("ar", "fa", "en") for code in value):
        raise ValidationError(_("Languages must be chosen from Arabic, Persian and English."))


class BotSettings(StoreOwned):
    enabled = models.BooleanField(_("answer questions automatically"), default=False)
    threshold = models.FloatField(
        _("confidence threshold"),
        default=DEFAULT_THRESHOLD,
        validators=[MinValueValidator(0.05), MaxValueValidator(1.0)],
        help_text=_("Below this confidence (0–1) the bot does not answer; it gets a person."),
    )

    class Meta:
        verbose_name = _("bot settings")
        verbose_name_plural = _("bot settings")
        constraints = [models.UniqueConstraint(fields=["store"], name="answerbot_one_settings")]

    def __str__(self) -> str:
        return f"bot@{self.store_id}"


class Team(StoreOwned):
    name = models.CharField(_("name"), max_length=80)
    languages = models.JSONField(
        _("languages"), default=list, blank=True, validators=[validate_languages]
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="support_teams",
        verbose_name=_("members"),
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team lead"),
    )
    # Empty: the store's hours. Same shape as Store.business_hours.
    business_hours = models.JSONField(
        _("business hours"), default=dict, blank=True, validators=[validate_hours]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["store", "name"], name="answerbot_team_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class AgentLanguages(StoreOwned):
    """The languages an agent of the store answers in (routing tries them first)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    languages = models.JSONField(_("languages"), default=list, validators=[validate_languages])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["store", "user"], name="answerbot_one_languages_row")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {','.join(self.languages)}"


class SessionState(models.TextChoices):
    BOT = "bot", _("With the bot")
    WAITING = "waiting", _("Waiting for a person")
    HUMAN = "human", _("With a person")
    RESOLVED = "resolved", _("Resolved by the bot")


class HandoverReason(models.TextChoices):
    ASKED = "asked", _("The customer asked for a person")
    NOT_SOLVED = "not_solved", _("The customer said the answer did not help")
    FRUSTRATED = "frustrated", _("The customer seemed frustrated")
    LOW_CONFIDENCE = "low_confidence", _("The bot had no confident answer")
    UNANSWERED = "unanswered", _("Two turns without an answer")
    AGENT = "agent", _("An agent stepped in")
    BOT_OFF = "bot_off", _("The bot is off")


class BotSession(StoreOwned):
    """What the bot did in one conversation, and when (and why) it stepped aside."""

    conversation = models.OneToOneField(
        "support.Conversation", on_delete=models.CASCADE, related_name="bot_session"
    )
    state = models.CharField(max_length=10, choices=SessionState.choices, default=SessionState.BOT)
    language = models.CharField(max_length=5, blank=True)
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True)
    answers = models.PositiveSmallIntegerField(default=0)
    unanswered = models.PositiveSmallIntegerField(default=0)
    articles = models.JSONField(default=list, blank=True)  # ids already offered: never repeat
    awaiting_feedback_seq = models.PositiveBigIntegerField(default=0)
    handed_off_at = models.DateTimeField(null=True, blank=True)
    handover_reason = models.CharField(max_length=16, choices=HandoverReason.choices, blank=True)
    taps_to_human = models.PositiveSmallIntegerField(default=0)
    first_human_reply_at = models.DateTimeField(null=True, blank=True)
    resolved_by_bot_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["store", "state", "handed_off_at"]),
            models.Index(fields=["store", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"bot#{self.conversation_id} {self.state}"


class Rating(StoreOwned):
    conversation = models.OneToOneField(
        "support.Conversation", on_delete=models.CASCADE, related_name="rating"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    score = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    via = models.CharField(max_length=10, default="widget")  # "widget" or "email"
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        indexes = [models.Index(fields=["store", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.score}/5 #{self.conversation_id}"
