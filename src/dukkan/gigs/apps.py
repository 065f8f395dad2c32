from __future__ import annotations

from django.apps import AppConfig


class GigsConfig(AppConfig):
    name = "dukkan.gigs"
    label = "gigs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dukkan.gigs import handlers, tasks  # noqa: F401  (OrderPaid; periodic jobs)
