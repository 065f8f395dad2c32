from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from babel.numbers import get_currency_precision
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dukkan.core.models import Store
from dukkan.marketing.models import AutomatedEmail, Campaign, MailingSettings, Segment

LANGUAGE_CHOICES = [("ar", "العربية"), ("fa", "فارسی"), ("en", "English")]
_SCRIPT = re.compile(r"<\s*/?\s*script|javascript\s*:|\bon[a-z]+\s*=", re.IGNORECASE)


def validate_no_script(text: str) -> None:
    if _SCRIPT.search(text or ""):
        raise ValidationError(
            _(
                "Remove the script: emails are written in Markdown, and scripts or HTML event "
                "handlers are never sent."
            )
        )


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)
    name = forms.CharField(label=_("Name (optional)"), max_length=200, required=False)
    # Left empty by people; filled by form-spamming bots.
    website = forms.CharField(required=False, widget=forms.HiddenInput)


class SegmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    bought: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Bought product"), queryset=None, required=False, empty_label="—"
    )
    not_bought: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Did not buy product"), queryset=None, required=False, empty_label="—"
    )
    bought_within = forms.IntegerField(
        label=_("Bought in the last (days)"), min_value=1, max_value=3650, required=False
    )
    spent_over = forms.DecimalField(
        label=_("Spent more than"), min_value=Decimal(0), max_digits=15, required=False
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", "—"), *LANGUAGE_CHOICES], required=False
    )
    licence_expiring = forms.IntegerField(
        label=_("Has a licence that ends within (days)"),
        min_value=1,
        max_value=3650,
        required=False,
    )

    def __init__(self, *args: Any, store: Store, **kwargs: Any) -> None:
        from dukkan.catalog.selectors import all_products

        super().__init__(*args, **kwargs)
        self.store = store
        products = all_products(store).order_by("title")
        self.fields["bought"].queryset = products  # type: ignore[attr-defined]
        self.fields["not_bought"].queryset = products  # type: ignore[attr-defined]

    @staticmethod
    def initial_from(segment: Segment) -> dict[str, Any]:
        initial: dict[str, Any] = {"name": segment.name}
        for rule in segment.rules:
            kind = rule.get("type")
            if kind in {"bought", "not_bought"}:
                initial[kind] = rule["product"]
            elif kind in {"bought_within", "licence_expiring"}:
                initial[kind] = rule["days"]
            elif kind == "spent_over":
                precision = get_currency_precision(segment.store.currency)
                initial[kind] = Decimal(rule["amount_minor"]).scaleb(-precision)
            elif kind == "language":
                initial[kind] = rule["language"]
        return initial

    def rules(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        rules: list[dict[str, Any]] = []
        for kind in ("bought", "not_bought"):
            if data.get(kind) is not None:
                rules.append({"type": kind, "product": data[kind].pk})
        if data.get("bought_within"):
            rules.append({"type": "bought_within", "days": data["bought_within"]})
        if data.get("spent_over") is not None:
            precision = get_currency_precision(self.store.currency)
            try:
                minor = int(Decimal(data["spent_over"]).scaleb(precision))
            except (InvalidOperation, ValueError) as error:
                raise ValidationError(_("Enter an amount.")) from error
            rules.append({"type": "spent_over", "amount_minor": minor})
        if data.get("language"):
            rules.append({"type": "language", "language": data["language"]})
        if data.get("licence_expiring"):
            rules.append({"type": "licence_expiring", "days": data["licence_expiring"]})
        return rules

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("bought") is not None and data.get("bought") == data.get("not_bought"):
            raise ValidationError(_("A product cannot be both bought and not bought."))
        return data


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["subject", "language", "segment", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14, "dir": "auto"})}

    def __init__(self, *args: Any, store: Store, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"] = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
        self.fields["segment"].queryset = Segment.objects.filter(store=store)  # type: ignore[attr-defined]
        self.fields["segment"].empty_label = _("Every confirmed subscriber")  # type: ignore[attr-defined]
        self.fields["subject"].widget.attrs["dir"] = "auto"

    def clean_body(self) -> str:
        body = str(self.cleaned_data.get("body") or "")
        validate_no_script(body)
        if len(body) > 100_000:
            raise ValidationError(_("The message is too long (100,000 characters at most)."))
        return body

    def clean_subject(self) -> str:
        subject = str(self.cleaned_data.get("subject") or "").strip()
        if "\n" in subject or "\r" in subject:
            raise ValidationError(_("The subject must be one line."))
        return subject


class TestSendForm(forms.Form):
    email = forms.EmailField(label=_("Send a test to"))
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)


class ScheduleForm(forms.Form):
    send_at = forms.DateTimeField(
        label=_("Send at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args: Any, store: Store, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.store = store
        self.fields["send_at"].help_text = _("In the store's time zone (%(tz)s).") % {
            "tz": store.time_zone
        }

    def clean_send_at(self) -> datetime:
        value: datetime = self.cleaned_data["send_at"]
        # The owner means the store's wall clock, not the server's.
        local = value.replace(tzinfo=None).replace(tzinfo=ZoneInfo(self.store.time_zone))
        if local <= timezone.now():
            raise ValidationError(_("Choose a time in the future."))
        return local


def _https_urls(field: Any, **kwargs: Any) -> Any:
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class MailingSettingsForm(forms.ModelForm):
    class Meta:
        model = MailingSettings
        fields = ["from_address", "reply_to", "tracking_enabled", "rate_per_minute", "webhook_url"]
        formfield_callback = _https_urls

    def clean_rate_per_minute(self) -> int:
        value = int(self.cleaned_data["rate_per_minute"])
        if not 1 <= value <= 60000:
            raise ValidationError(_("Choose from 1 to 60,000 messages per minute."))
        return value


class AutomationForm(forms.ModelForm):
    class Meta:
        model = AutomatedEmail
        fields = ["enabled", "days", "language", "subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 5, "dir": "auto"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"] = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
        self.fields["days"].widget.attrs["max"] = 365

    def clean_days(self) -> int:
        days = int(self.cleaned_data["days"])
        if days > 365:
            raise ValidationError(_("Choose from 0 to 365 days."))
        return days

    def clean_body(self) -> str:
        body = str(self.cleaned_data.get("body") or "")
        validate_no_script(body)
        return body
