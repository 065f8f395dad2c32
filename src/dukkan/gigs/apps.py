from __future__ import annotations

from django.apps import AppConfig


class GigsConfig(AppConfig):
    name = "dukkan.gigs"
    label = "gigs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dukkan.catalog.services import register_publish_check
        from dukkan.gigs import handlers, tasks  # noqa: F401  (OrderPaid; periodic jobs)
        from dukkan.gigs.services import check_service_cap

        register_publish_check(check_service_cap)
