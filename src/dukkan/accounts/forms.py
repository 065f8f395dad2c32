from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.utils.translation import gettext_lazy as _

from dukkan.accounts.models import Role
from dukkan.core.hours import (
    ISO_WEEKDAYS,
    WEEKDAY_NAMES,
    WEEKEND_PRESETS,
    default_hours,
    validate_hours,
)
from dukkan.core.models import Language, Store
from dukkan.core.money import KNOWN_CURRENCIES

COMMON_CURRENCIES = ["SAR", "AED", "EGP", "IRR", "USD", "EUR", "KWD", "QAR", "JOD", "TRY"]
TIME_ZONES = sorted(available_timezones())


class StoreForm(forms.ModelForm[Store]):
    weekend = forms.ChoiceField(
        label=_("Weekend"),
        choices=[(key, label) for key, (_days, label) in WEEKEND_PRESETS.items()],
    )
    currency = forms.ChoiceField(label=_("Currency"))
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=[(tz, tz) for tz in TIME_ZONES])

    class Meta:
        model = Store
        fields = [
            "name",
            "slug",
            "tagline",
            "description",
            "default_language",
            "currency",
            "time_zone",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = sorted(KNOWN_CURRENCIES - set(COMMON_CURRENCIES))
        currency = self.fields["currency"]
        language = self.fields["default_language"]
        assert isinstance(currency, forms.ChoiceField)
        assert isinstance(language, forms.ChoiceField)
        currency.choices = [(c, c) for c in COMMON_CURRENCIES + others]
        language.choices = Language.choices
        current = self.instance.weekend_days if self.instance.pk else [5, 6]
        for key, (days, _label) in WEEKEND_PRESETS.items():
            if days == sorted(current):
                self.initial.setdefault("weekend", key)

    def weekend_days(self) -> list[int]:
        return list(WEEKEND_PRESETS[self.cleaned_data["weekend"]][0])


class BusinessHoursForm(forms.Form):
    """One opening interval per weekday; an empty pair means closed."""

    def __init__(self, *args: Any, store: Store, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hours = store.business_hours or default_hours(store.weekend_days)
        for day in ISO_WEEKDAYS:
            intervals = hours.get(str(day)) or []
            opens, closes = intervals[0] if intervals else ("", "")
            self.fields[f"opens_{day}"] = forms.CharField(
                label=WEEKDAY_NAMES[day],
                required=False,
                initial=opens,
                widget=forms.TimeInput(attrs={"type": "time"}),
            )
            self.fields[f"closes_{day}"] = forms.CharField(
                label=WEEKDAY_NAMES[day],
                required=False,
                initial=closes,
                widget=forms.TimeInput(attrs={"type": "time"}),
            )

    def rows(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [(WEEKDAY_NAMES[d], self[f"opens_{d}"], self[f"closes_{d}"]) for d in ISO_WEEKDAYS]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        hours: dict[str, list[list[str]]] = {}
        for day in ISO_WEEKDAYS:
            opens = (cleaned.get(f"opens_{day}") or "").strip()[:5]
            closes = (cleaned.get(f"closes_{day}") or "").strip()[:5]
            if bool(opens) != bool(closes):
                self.add_error(
                    f"opens_{day}", _("Give both the opening and the closing time, or neither.")
                )
                continue
            hours[str(day)] = [[opens, closes]] if opens else []
        if not self.errors:
            try:
                validate_hours(hours)
            except forms.ValidationError as error:
                raise forms.ValidationError(error.messages) from error
        cleaned["hours"] = hours
        return cleaned


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.AGENT)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
