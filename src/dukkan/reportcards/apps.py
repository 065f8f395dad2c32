from __future__ import annotations

from django.apps import AppConfig


class ReportcardsConfig(AppConfig):
    name = "dukkan.reportcards"
    label = "reportcards"
    default_auto_field = "django.db.models.BigAutoField"
