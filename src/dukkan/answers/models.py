"""FAQ matching: per-store settings, what customers asked, deflections and learned phrasings."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from dukkan.core.tenancy import StoreOwned


class Policy(models.TextChoices):
    OFF = "off", _("Off: answer, never remind")
    REMIND = "remind", _("Remind: point repeat askers to the FAQ")
    FAQ_FIRST = "faq_first", _("FAQ first: open the suggested answer before sending")


class AnswerSettings(StoreOwned):
    """One row per store; `index_version` tells every server process to rebuild its index."""

    enabled = models.BooleanField(_("suggest answers"), default=True)
    threshold = models.FloatField(
        _("match threshold"),
        default=0.5,
        help_text=_("From 0 to 1: a question whose best answer scores at least this is answered."),
    )
    policy = models.CharField(
        _("repeated questions"), max_length=12, choices=Policy.choices, default=Policy.REMIND
    )
    repeat_limit = models.PositiveSmallIntegerField(
        _("answered questions before the policy applies"), default=3
    )
    window_hours = models.PositiveSmallIntegerField(_("within (hours)"), default=24)
    index_version = models.PositiveBigIntegerField(default=0, editable=False)
    # With the version, names one build of the index: a new store that reuses a deleted one's
    # id (SQLite may) never gets the old store's cached index.
    index_key = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["store"], name="answers_settings_once")]


class AskedQuestion(StoreOwned):
    """A customer's question and how well the FAQ answered it (the unanswered report's rows)."""

    text = models.TextField()
    language = models.CharField(max_length=2, blank=True)
    conversation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    visitor_id = models.BigIntegerField(null=True, blank=True)
    best_article_id = models.BigIntegerField(null=True, blank=True)
    best_score = models.FloatField(default=0.0)
    answered = models.BooleanField(default=False)
    dismissed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["store", "answered", "created_at"])]


class Deflection(StoreOwned):
    """A customer opened a suggested answer in the widget (perhaps instead of asking)."""

    article_id = models.BigIntegerField()
    query = models.CharField(max_length=500, blank=True)
    visitor_id = models.BigIntegerField(null=True, blank=True)
    score = models.FloatField(default=0.0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)


class LearnedPhrasing(StoreOwned):
    """A customer's question an agent answered with an article: one more way to ask for it."""

    article_id = models.BigIntegerField(db_index=True)
    text = models.CharField(max_length=500)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["store", "article_id", "text"], name="answers_phrasing_once"
            )
        ]
