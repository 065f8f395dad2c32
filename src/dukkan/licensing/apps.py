from __future__ import annotations

from django.apps import AppConfig


class LicensingConfig(AppConfig):
    name = "dukkan.licensing"
    label = "licensing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dukkan.licensing import handlers  # noqa: F401  (subscribes to checkout's events)
