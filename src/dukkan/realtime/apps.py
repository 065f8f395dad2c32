from __future__ import annotations

from django.apps import AppConfig
from django.conf import settings


class RealtimeConfig(AppConfig):
    name = "dukkan.realtime"
    label = "realtime"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The long-poll views are async: the ASGI handler must send /chat/ through Django's
        # async chain instead of its one-hop thread pool (see core/handler.py), so a waiting
        # poll holds no thread.
        prefixes = tuple(getattr(settings, "DUKKAN_ASYNC_PATH_PREFIXES", ()))
        if "/chat/" not in prefixes:
            settings.DUKKAN_ASYNC_PATH_PREFIXES = (*prefixes, "/chat/")
        from dukkan.realtime import tasks  # noqa: F401  (periodic jobs)
