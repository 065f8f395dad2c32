"""Forms of the inbox pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dukkan.inbox.models import BODY_LIMIT, CannedReply, NotificationSettings

MESSAGE_LIMIT = 10_000


class CannedReplyForm(forms.ModelForm):
    class Meta:
        model = CannedReply
        fields = ["shortcut", "title", "body", "language"]
        widgets = {
            "shortcut": forms.TextInput(attrs={"dir": "auto", "autocomplete": "off"}),
            "body": forms.Textarea(attrs={"rows": 5, "dir": "auto", "maxlength": BODY_LIMIT}),
            "title": forms.TextInput(attrs={"dir": "auto"}),
        }

    def clean_shortcut(self) -> str:
        value: str = self.cleaned_data["shortcut"]
        return value.strip().lstrip("/")


class CapacityForm(forms.Form):
    max_open = forms.IntegerField(label=_("open conversations at most"), min_value=0, max_value=200)
    auto_assign = forms.BooleanField(
        label=_("takes new conversations automatically"), required=False
    )


class NotificationSettingsForm(forms.ModelForm):
    class Meta:
        model = NotificationSettings
        fields = [
            "agent_emails",
            "agent_after_minutes",
            "owner_after_minutes",
            "customer_emails",
            "customer_after_minutes",
        ]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply"),
        max_length=MESSAGE_LIMIT,
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        error_messages={
            "max_length": _("A message can be at most %(limit_value)d characters long.")
        },
    )
    kind = forms.ChoiceField(
        choices=[("message", _("Reply")), ("note", _("Internal note"))], initial="message"
    )
    attachment = forms.FileField(label=_("Attachment"), required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not (data.get("body") or "").strip() and not data.get("attachment"):
            raise forms.ValidationError(_("Write a message or attach a file."))
        return data


class SnoozeForm(forms.Form):
    until = forms.DateTimeField(
        label=_("Snooze until"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
