from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dukkan.callbacks.models import CallbackSettings, Outcome


class AttemptForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class AgentCallbackForm(forms.Form):
    phone = forms.CharField(label=_("Phone"), max_length=40)
    topic = forms.CharField(label=_("Topic"), max_length=500)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    conversation = forms.IntegerField(label=_("Conversation number"), required=False, min_value=1)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("ar", _("Arabic")), ("fa", _("Persian")), ("en", _("English"))],
    )


class SettingsForm(forms.ModelForm):
    class Meta:
        model = CallbackSettings
        fields = ["within_hours", "remind_minutes", "retry_hours", "max_attempts"]
