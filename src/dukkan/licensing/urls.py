"""Licence keys, per store: `/<lang>/dashboard/<store>/licenses/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "licensing"

urlpatterns: list[URLPattern | URLResolver] = []
