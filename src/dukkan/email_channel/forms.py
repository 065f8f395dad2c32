from __future__ import annotations

from django import forms

from dukkan.email_channel.models import SupportAddress


class AddressForm(forms.ModelForm):
    class Meta:
        model = SupportAddress
        fields = [
            "address",
            "name",
            "acknowledge",
            "mailgun_signing_key",
            "imap_host",
            "imap_port",
            "imap_ssl",
            "imap_user",
            "imap_password",
            "imap_folder",
        ]
        widgets = {
            "imap_password": forms.PasswordInput(render_value=False),
            "mailgun_signing_key": forms.PasswordInput(render_value=False),
        }
