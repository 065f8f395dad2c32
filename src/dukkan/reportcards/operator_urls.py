"""All report cards, levels and bonuses for the operator: `/<lang>/operator/report-cards/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "reportcards_operator"

urlpatterns: list[URLPattern | URLResolver] = []
