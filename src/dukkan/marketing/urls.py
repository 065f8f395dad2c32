"""Mailing list and campaigns, per store: `/<lang>/dashboard/<store>/marketing/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "marketing"

urlpatterns: list[URLPattern | URLResolver] = []
