"""Business hours and holidays, per store: `/<lang>/dashboard/<store>/hours/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "hours"

urlpatterns: list[URLPattern | URLResolver] = []
