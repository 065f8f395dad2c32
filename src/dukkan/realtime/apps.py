from __future__ import annotations

from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "dukkan.realtime"
    label = "realtime"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dukkan.realtime import tasks  # noqa: F401  (periodic jobs)
