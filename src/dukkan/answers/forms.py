from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dukkan.answers.models import Policy


class AnswerSettingsForm(forms.Form):
    enabled = forms.BooleanField(label=_("Suggest answers to customers"), required=False)
    threshold = forms.FloatField(
        label=_("Match threshold (0.05–0.95)"),
        min_value=0.05,
        max_value=0.95,
        help_text=_("A question whose best answer scores at least this is answered at once."),
    )
    policy = forms.ChoiceField(label=_("Repeated questions"), choices=Policy.choices)
    repeat_limit = forms.IntegerField(
        label=_("Answered questions before the policy applies"), min_value=1, max_value=50
    )
    window_hours = forms.IntegerField(label=_("Within (hours)"), min_value=1, max_value=720)


class DraftForm(forms.Form):
    question = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Question (title)"), max_length=250)
    body = forms.CharField(label=_("Answer"), widget=forms.Textarea, max_length=20000)
