from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dukkan.licensing.models import LicencePolicy


class PolicyForm(forms.ModelForm[LicencePolicy]):
    max_activations = forms.IntegerField(
        label=_("maximum activations"), min_value=1, max_value=1000
    )
    duration_days = forms.IntegerField(
        label=_("days"), min_value=1, max_value=36500, required=False
    )
    refresh_hours = forms.IntegerField(
        label=_("check online every (hours)"), min_value=0, max_value=24 * 366
    )
    grace_hours = forms.IntegerField(
        label=_("grace period offline (hours)"), min_value=0, max_value=24 * 366
    )
    entitlements_text = forms.CharField(
        label=_("entitlements"),
        required=False,
        max_length=2000,
        help_text=_("Names your program checks, separated by commas, e.g. pro, updates."),
    )

    class Meta:
        model = LicencePolicy
        fields = [
            "enabled",
            "max_activations",
            "duration",
            "duration_days",
            "binding",
            "refresh_hours",
            "grace_hours",
            "deactivation_frees_seat",
            "flag_fingerprints",
            "flag_networks",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk:
            self.fields["entitlements_text"].initial = ", ".join(self.instance.entitlements)

    def values(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        text = self.cleaned_data.get("entitlements_text") or ""
        data["entitlements"] = list(text.replace("،", ",").split(","))
        return data


class ActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            (name, name)
            for name in ("suspend", "reinstate", "revoke", "extend", "reset", "note", "unflag")
        ]
    )
    days = forms.IntegerField(required=False, min_value=1, max_value=36500)
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RequestCodeForm(forms.Form):
    request_code = forms.CharField(
        label=_("Request code"),
        max_length=200,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "spellcheck": "false"}),
    )
