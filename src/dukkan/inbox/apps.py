from __future__ import annotations

from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "dukkan.inbox"
    label = "inbox"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dukkan.inbox import handlers, tasks  # noqa: F401  (subscribers, periodic jobs)
