"""A seller's reviews and replies: `/<lang>/dashboard/<store>/reviews/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "reviews"

urlpatterns: list[URLPattern | URLResolver] = []
