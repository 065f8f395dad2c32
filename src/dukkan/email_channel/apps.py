from __future__ import annotations

from django.apps import AppConfig


class EmailChannelConfig(AppConfig):
    name = "dukkan.email_channel"
    label = "email_channel"
    default_auto_field = "django.db.models.BigAutoField"
