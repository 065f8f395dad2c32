from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dukkan.core.hours import WEEKEND_PRESETS
from dukkan.hours.models import CalendarKind


class WeekendForm(forms.Form):
    weekend = forms.ChoiceField(
        label=_("Weekend"),
        choices=[(key, label) for key, (_days, label) in WEEKEND_PRESETS.items()],
    )


class HolidayForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    calendar = forms.ChoiceField(label=_("Calendar"), choices=CalendarKind.choices)
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=1300,
        max_value=2200,
        help_text=_("Leave empty for a holiday that comes back every year."),
    )
    month = forms.IntegerField(label=_("Month"), min_value=1, max_value=12)
    day = forms.IntegerField(label=_("Day"), min_value=1, max_value=31)
    length = forms.IntegerField(label=_("Days"), min_value=1, max_value=30, initial=1)
