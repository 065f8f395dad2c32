"""A seller's report card, level and pricing guidance: `/<lang>/dashboard/<store>/report-card/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "reportcards"

urlpatterns: list[URLPattern | URLResolver] = []
