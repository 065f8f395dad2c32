"""Callback requests, per store: `/<lang>/dashboard/<store>/callbacks/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "callbacks"

urlpatterns: list[URLPattern | URLResolver] = []
