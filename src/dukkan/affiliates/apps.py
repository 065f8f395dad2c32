from __future__ import annotations

from django.apps import AppConfig


class AffiliatesConfig(AppConfig):
    name = "dukkan.affiliates"
    label = "affiliates"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dukkan.affiliates import handlers, tasks  # noqa: F401  (events, periodic job)
