from __future__ import annotations

from typing import Any

from django import forms

from dukkan.widget.models import WidgetSettings


class WidgetSettingsForm(forms.ModelForm[WidgetSettings]):
    class Meta:
        model = WidgetSettings
        fields = [
            "enabled",
            "allowed_origins",
            "prechat_mode",
            "prechat_name",
            "prechat_email",
            "prechat_phone",
            "welcome_ar",
            "welcome_fa",
            "welcome_en",
            "reply_time",
            "accent_colour",
            "sound",
        ]
        widgets = {
            "allowed_origins": forms.Textarea(
                attrs={"rows": 3, "dir": "ltr", "placeholder": "https://shop.example.com"}
            ),
            "accent_colour": forms.TextInput(attrs={"type": "color"}),
            "welcome_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "welcome_fa": forms.TextInput(attrs={"dir": "rtl", "lang": "fa"}),
            "welcome_en": forms.TextInput(attrs={"dir": "ltr", "lang": "en"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accent_colour"].widget.attrs["dir"] = "ltr"

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
