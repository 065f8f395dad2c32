"""Knowledge base editor, per store: `/<lang>/dashboard/<store>/knowledge/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "knowledge"

urlpatterns: list[URLPattern | URLResolver] = []
