"""The chat widget's settings: one row per store, made on first use."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dukkan.core.models import Store


class FieldMode(models.TextChoices):
    OFF = "off", _("Not asked")
    OPTIONAL = "optional", _("Optional")
    REQUIRED = "required", _("Required")


class PreChatMode(models.TextChoices):
    OFF = "off", _("No form")
    BEFORE = "before", _("Before the first message")


class ReplyTime(models.TextChoices):
    MINUTES = "minutes", _("Usually replies in a few minutes")
    HOUR = "hour", _("Usually replies within an hour")
    DAY = "day", _("Usually replies within a day")


def split_origins(text: str) -> list[str]:
    """The origins written one per line, without blanks, duplicates or a trailing slash."""
    seen: list[str] = []
    for line in text.splitlines():
        origin = line.strip().rstrip("/").lower()
        if origin and origin not in seen:
            seen.append(origin)
    return seen


def origin_is_valid(origin: str) -> bool:
    """scheme://host[:port] and nothing else (no path, query, user or fragment)."""
    try:
        parts = urlsplit(origin)
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        return False
    return (
        parts.scheme in {"http", "https"}
        and bool(parts.hostname)
        and port_ok
        and "@" not in parts.netloc
        and not (parts.path or parts.query or parts.fragment)
        and " " not in origin
    )


def validate_origins(text: str) -> None:
    bad = [origin for origin in split_origins(text) if not origin_is_valid(origin)]
    if bad:
        raise ValidationError(
            _(
                "Write each site as scheme://host or scheme://host:port, one per line "
                "(for example https://shop.example.com); not valid: %(bad)s"
            )
            % {"bad": ", ".join(bad)}
        )


_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("A colour like #0f766e."))


class WidgetSettings(models.Model):
    store = models.OneToOneField(Store, on_delete=models.CASCADE, related_name="widget_settings")
    enabled = models.BooleanField(_("chat widget enabled"), default=True)
    allowed_origins = models.TextField(
        _("sites allowed to embed the widget"),
        blank=True,
        validators=[validate_origins],
        help_text=_(
            "One per line, for example https://shop.example.com. Dukkan's own pages always may."
        ),
    )
    prechat_mode = models.CharField(
        _("pre-chat form"), max_length=10, choices=PreChatMode.choices, default=PreChatMode.OFF
    )
    prechat_name = models.CharField(
        _("name"), max_length=10, choices=FieldMode.choices, default=FieldMode.OPTIONAL
    )
    prechat_email = models.CharField(
        _("email"), max_length=10, choices=FieldMode.choices, default=FieldMode.REQUIRED
    )
    prechat_phone = models.CharField(
        _("phone"), max_length=10, choices=FieldMode.choices, default=FieldMode.OFF
    )
    welcome_ar = models.CharField(_("welcome message in Arabic"), max_length=300, blank=True)
    welcome_fa = models.CharField(_("welcome message in Persian"), max_length=300, blank=True)
    welcome_en = models.CharField(_("welcome message in English"), max_length=300, blank=True)
    reply_time = models.CharField(
        _("usual reply time"), max_length=10, choices=ReplyTime.choices, default=ReplyTime.HOUR
    )
    accent_colour = models.CharField(
        _("accent colour"), max_length=7, default="#0f766e", validators=[_COLOUR]
    )
    sound = models.BooleanField(
        _("sound on new replies, unless the visitor turns it off"), default=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chat widget settings")
        verbose_name_plural = _("chat widget settings")

    def __str__(self) -> str:
        return f"widget settings of {self.store}"

    @property
    def origins(self) -> list[str]:
        return split_origins(self.allowed_origins)

    def welcome(self, language: str) -> str:
        text: str = getattr(self, f"welcome_{language}", "") or ""
        return text

    def prechat_fields(self) -> dict[str, str]:
        """Asked fields and whether each is optional or required; empty when there is no form."""
        if self.prechat_mode == PreChatMode.OFF:
            return {}
        modes = {
            "name": self.prechat_name,
            "email": self.prechat_email,
            "phone": self.prechat_phone,
        }
        return {field: mode for field, mode in modes.items() if mode != FieldMode.OFF}
