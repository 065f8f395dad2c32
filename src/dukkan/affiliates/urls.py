"""The affiliate programme, per store: `/<lang>/dashboard/<store>/affiliates/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "affiliates"

urlpatterns: list[URLPattern | URLResolver] = []
