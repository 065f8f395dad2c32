from __future__ import annotations

from django import forms
from django.utils.text import capfirst

from dukkan.delivery.models import DeliverySettings


class DeliverySettingsForm(forms.ModelForm[DeliverySettings]):
    link_hours = forms.IntegerField(min_value=1, max_value=24 * 30)
    download_limit = forms.IntegerField(min_value=1, max_value=1000)
    magic_link_hours = forms.IntegerField(min_value=1, max_value=24 * 30)

    class Meta:
        model = DeliverySettings
        fields = ["link_hours", "download_limit", "magic_link_hours"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name in self.Meta.fields:
            field = DeliverySettings._meta.get_field(name)
            self.fields[name].label = capfirst(getattr(field, "verbose_name", name))
