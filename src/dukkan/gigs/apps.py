from __future__ import annotations

from django.apps import AppConfig


class GigsConfig(AppConfig):
    name = "dukkan.gigs"
    label = "gigs"
    default_auto_field = "django.db.models.BigAutoField"
