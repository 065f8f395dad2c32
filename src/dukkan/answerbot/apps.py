from __future__ import annotations

from django.apps import AppConfig


class AnswerbotConfig(AppConfig):
    name = "dukkan.answerbot"
    label = "answerbot"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dukkan.answerbot import handlers  # noqa: F401  (the bot's turn, rating emails)
