"""The operator's review queue: `/<lang>/operator/review/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "moderation_operator"

urlpatterns: list[URLPattern | URLResolver] = []
