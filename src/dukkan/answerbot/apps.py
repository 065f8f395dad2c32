from __future__ import annotations

from django.apps import AppConfig


class AnswerbotConfig(AppConfig):
    name = "dukkan.answerbot"
    label = "answerbot"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dukkan.answerbot import handlers  # noqa: F401  (the bot's turn, rating emails)

        try:  # where the bot is on, it answers; the FAQ's own automatic answer stands aside
            from dukkan.answers.services import register_takeover
        except ImportError:
            return
        from dukkan.answerbot.selectors import bot_enabled_for

        register_takeover(bot_enabled_for)
