from __future__ import annotations

from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "dukkan.checkout"
    label = "checkout"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dukkan.checkout import tasks  # noqa: F401  (registers the periodic job)
