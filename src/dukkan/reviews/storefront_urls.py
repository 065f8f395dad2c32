"""A seller's public reviews: `/<lang>/s/<store>/reviews/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "reviews_storefront"

urlpatterns: list[URLPattern | URLResolver] = []
