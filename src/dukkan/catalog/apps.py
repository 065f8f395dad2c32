from __future__ import annotations

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "dukkan.catalog"
    label = "catalog"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dukkan.catalog import signals

        signals.connect()
