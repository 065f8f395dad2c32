from __future__ import annotations

from django.apps import AppConfig


class AnswersConfig(AppConfig):
    name = "dukkan.answers"
    label = "answers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dukkan.answers import handlers  # noqa: F401  (subscribes to knowledge and support)
