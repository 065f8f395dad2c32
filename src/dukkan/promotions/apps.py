from __future__ import annotations

from django.apps import AppConfig


class PromotionsConfig(AppConfig):
    name = "dukkan.promotions"
    label = "promotions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dukkan.promotions import handlers  # noqa: F401  (subscribes to checkout's events)
