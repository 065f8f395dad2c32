from __future__ import annotations

from django.apps import AppConfig


class CallbacksConfig(AppConfig):
    name = "dukkan.callbacks"
    label = "callbacks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dukkan.callbacks import tasks  # noqa: F401  (the periodic sweep)
