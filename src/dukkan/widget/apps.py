from __future__ import annotations

from django.apps import AppConfig


class WidgetConfig(AppConfig):
    name = "dukkan.widget"
    label = "widget"
    default_auto_field = "django.db.models.BigAutoField"
