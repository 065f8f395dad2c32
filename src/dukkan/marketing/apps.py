from __future__ import annotations

from django.apps import AppConfig


class MarketingConfig(AppConfig):
    name = "dukkan.marketing"
    label = "marketing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dukkan.marketing import handlers, tasks  # noqa: F401  (events and periodic jobs)
