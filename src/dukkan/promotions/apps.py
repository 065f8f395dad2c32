from __future__ import annotations

from django.apps import AppConfig


class PromotionsConfig(AppConfig):
    name = "dukkan.promotions"
    label = "promotions"
    default_auto_field = "django.db.models.BigAutoField"
