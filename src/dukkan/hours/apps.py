from __future__ import annotations

from django.apps import AppConfig


class HoursConfig(AppConfig):
    name = "dukkan.hours"
    label = "hours"
    default_auto_field = "django.db.models.BigAutoField"
