from __future__ import annotations

from django.apps import AppConfig


class EmailChannelConfig(AppConfig):
    name = "dukkan.email_channel"
    label = "email_channel"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dukkan.email_channel import handlers, tasks  # noqa: F401  (subscribers, jobs)
