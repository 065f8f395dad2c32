from __future__ import annotations

import secrets
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.core.validators import validate_unicode_slug
from django.db import models
from django.utils.translation import gettext_lazy as _

from dukkan.core.hours import default_hours, validate_hours, validate_weekend
from dukkan.core.money import validate_currency


class Language(models.TextChoices):
    ARABIC = "ar", _("Arabic")
    PERSIAN = "fa", _("Persian")
    ENGLISH = "en", _("English")


def validate_time_zone(name: str) -> None:
    if name not in available_timezones():
        raise ValidationError(
            _("%(name)s is not a time zone name (for example Asia/Riyadh).") % {"name": name}
        )


def new_store_secret() -> str:
    return secrets.token_urlsafe(32)


def default_weekend() -> list[int]:
    return [5, 6]


def default_business_hours() -> dict[str, list[list[str]]]:
    return default_hours(default_weekend())


class Store(models.Model):
    """A seller's shop: the tenant that every store-owned row belongs to."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("address"),
        max_length=60,
        unique=True,
        allow_unicode=True,
        validators=[validate_unicode_slug],
        help_text=_("Used in the store's web address; letters, digits and hyphens."),
    )
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    default_language = models.CharField(
        _("default language"), max_length=5, choices=Language.choices, default=Language.ENGLISH
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="USD", validators=[validate_currency]
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    weekend_days = models.JSONField(
        _("weekend days"), default=default_weekend, validators=[validate_weekend]
    )
    business_hours = models.JSONField(
        _("business hours"), default=default_business_hours, validators=[validate_hours]
    )
    secret = models.CharField(max_length=64, default=new_store_secret, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def dir(self) -> str:
        return "rtl" if self.default_language in {"ar", "fa"} else "ltr"


class PeriodicRun(models.Model):
    """One row per (job, period): the unique constraint makes a period run once across workers."""

    job = models.CharField(max_length=200)
    due_at = models.DateTimeField()
    claimed_by = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "due_at"], name="periodic_run_once")]
        indexes = [models.Index(fields=["job", "-due_at"])]

    def __str__(self) -> str:
        return f"{self.job} @ {self.due_at.isoformat()}"
