from __future__ import annotations

from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "dukkan.support"
    label = "support"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dukkan.support import tasks  # noqa: F401  (periodic jobs)
