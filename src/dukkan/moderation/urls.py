"""A seller's listing reviews and infringement reports: `/<lang>/dashboard/<store>/listing-review/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "moderation"

urlpatterns: list[URLPattern | URLResolver] = []
