"""Monthly seller report cards, levels and bonus rounds.

A `ReportCard` is one seller's figures for one period (the report-card day of a month); the
unique (store, period) row is claimed atomically by whichever worker inserts it first, so a
period is computed exactly once however many workers run the job. Figures are stored as
numbers; positives, negatives and suggestions as codes with figures, so the card is rendered
in the seller's language when shown or mailed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dukkan.core.tenancy import StoreOwned


def empty_dict() -> dict[str, Any]:
    return {}


def empty_list() -> list[Any]:
    return []


class Level(models.TextChoices):
    NEW = "new", _("New seller")
    LEVEL_1 = "level_1", _("Level 1")
    LEVEL_2 = "level_2", _("Level 2")
    TOP = "top", _("Top rated")


LEVEL_ORDER: list[str] = [Level.NEW, Level.LEVEL_1, Level.LEVEL_2, Level.TOP]


class ReportCardSettings(models.Model):
    """The operator's settings for report cards (one row, pk=1)."""

    report_day = models.PositiveSmallIntegerField(
        _("report-card day of the month"),
        default=1,
        help_text=_("Report cards are computed on this day (1 to 28) every month."),
    )
    window_days = models.PositiveSmallIntegerField(_("window (days)"), default=60)
    bonus_rounds_per_year = models.PositiveSmallIntegerField(
        _("bonus rounds per year"), default=1, help_text=_("One or two.")
    )
    guides_store = models.ForeignKey(
        "core.Store",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("store whose knowledge base holds the sellers' guides"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "report card settings"


class LevelThreshold(models.Model):
    """What a seller needs on the report card to hold a level, and what the level unlocks."""

    level = models.CharField(_("level"), max_length=10, choices=Level.choices, unique=True)
    min_orders = models.PositiveIntegerField(_("completed orders at least"), default=0)
    min_rating_x100 = models.PositiveIntegerField(_("average rating at least (×100)"), default=0)
    min_on_time_pct = models.PositiveSmallIntegerField(
        _("on-time delivery at least (%)"), default=0
    )
    min_completion_pct = models.PositiveSmallIntegerField(_("completion at least (%)"), default=0)
    max_active_services = models.PositiveSmallIntegerField(_("active services at most"), default=5)
    clearing_days = models.PositiveSmallIntegerField(_("payout clearing (days)"), default=14)

    def __str__(self) -> str:
        return self.level


class CardStatus(models.TextChoices):
    CLAIMED = "claimed", _("Being computed")
    DONE = "done", _("Ready")


class ReportCard(StoreOwned):
    period = models.DateField(_("period"))  # the report-card day this card belongs to
    status = models.CharField(max_length=10, choices=CardStatus.choices, default=CardStatus.CLAIMED)
    window_days = models.PositiveSmallIntegerField(default=60)
    language = models.CharField(max_length=8, blank=True)
    category = models.CharField(max_length=40, blank=True)
    metrics = models.JSONField(default=empty_dict, blank=True)
    medians = models.JSONField(default=empty_dict, blank=True)
    positives = models.JSONField(default=empty_list, blank=True)  # [{code, value, median}]
    negatives = models.JSONField(default=empty_list, blank=True)
    suggestions = models.JSONField(default=empty_list, blank=True)  # [code]
    level = models.CharField(max_length=10, choices=Level.choices, blank=True)
    previous_level = models.CharField(max_length=10, choices=Level.choices, blank=True)
    level_reasons = models.JSONField(default=empty_list, blank=True)  # [{code, value, need}]
    emailed = models.BooleanField(default=False)
    claimed_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period", "store_id"]
        constraints = [
            models.UniqueConstraint(fields=["store", "period"], name="reportcards_one_per_period")
        ]
        indexes = [models.Index(fields=["period", "category"])]

    def __str__(self) -> str:
        return f"{self.store_id}@{self.period}"


class StoreLevel(StoreOwned):
    """A seller's current level (one row per store; absent means a new seller)."""

    level = models.CharField(max_length=10, choices=Level.choices, default=Level.NEW)
    since = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["store"], name="reportcards_level_per_store")
        ]


class BonusRound(models.Model):
    name = models.CharField(_("name"), max_length=120)
    period = models.DateField(_("report-card period used"))
    currency = models.CharField(_("currency"), max_length=3)
    pool_minor = models.BigIntegerField(_("pool"))
    winners = models.PositiveSmallIntegerField(_("number of sellers rewarded"))
    created_at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class BonusAward(StoreOwned):
    round = models.ForeignKey(BonusRound, on_delete=models.CASCADE, related_name="awards")
    score = models.FloatField()
    rank = models.PositiveSmallIntegerField()
    amount_minor = models.BigIntegerField()
    ledger_entry_id = models.BigIntegerField(null=True, blank=True)
    message = models.TextField()

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["round", "store"], name="reportcards_award_once")
        ]
