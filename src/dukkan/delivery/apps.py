from __future__ import annotations

from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "dukkan.delivery"
    label = "delivery"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dukkan.delivery import handlers  # noqa: F401  (subscribes to checkout's events)
