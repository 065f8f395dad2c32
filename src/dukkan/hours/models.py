"""Holidays of a store: days the store (and every team) is closed, whatever the weekly hours say.

A holiday is written the way its owner thinks of it: a Gregorian or a Jalali (Persian) date,
once (with a year) or every year (without one), lasting one or more days (Nowruz: 1–4
Farvardin every year).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dukkan.core.tenancy import StoreOwned


class CalendarKind(models.TextChoices):
    GREGORIAN = "gregorian", _("Gregorian")
    JALALI = "jalali", _("Jalali (Persian)")


class Holiday(StoreOwned):
    name = models.CharField(_("name"), max_length=120)
    calendar = models.CharField(
        _("calendar"), max_length=10, choices=CalendarKind.choices, default=CalendarKind.GREGORIAN
    )
    # No year: the holiday comes back every year on the same day of its calendar.
    year = models.PositiveIntegerField(_("year"), null=True, blank=True)
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    day = models.PositiveSmallIntegerField(
        _("day"), validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    length = models.PositiveSmallIntegerField(
        _("days"), default=1, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["calendar", "month", "day", "pk"]

    def __str__(self) -> str:
        return self.name
