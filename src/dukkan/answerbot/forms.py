from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dukkan.accounts.forms import BusinessHoursForm
from dukkan.core.models import Language, Store

LANGUAGE_CHOICES = Language.choices


class BotSettingsForm(forms.Form):
    enabled = forms.BooleanField(label=_("Answer questions automatically"), required=False)
    threshold = forms.FloatField(
        label=_("Confidence threshold"),
        min_value=0.05,
        max_value=1.0,
        help_text=_("Below this confidence (0–1) the bot does not answer; it gets a person."),
    )


class LanguagesForm(forms.Form):
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    members = forms.TypedMultipleChoiceField(
        label=_("Members"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    lead = forms.TypedChoiceField(
        label=_("Team lead"), coerce=int, required=False, empty_value=None
    )
    own_hours = forms.BooleanField(label=_("This team has its own hours"), required=False)

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = self.fields["members"]
        lead = self.fields["lead"]
        assert isinstance(members, forms.ChoiceField)
        assert isinstance(lead, forms.ChoiceField)
        members.choices = people
        lead.choices = [("", "—"), *people]


def team_hours_form(
    store: Store, data: Any, hours: dict[str, list[list[str]]]
) -> BusinessHoursForm:
    proxy = Store(business_hours=hours or store.business_hours, weekend_days=store.weekend_days)
    return BusinessHoursForm(data, store=proxy, prefix="hours")
