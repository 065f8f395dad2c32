"""Subscribing to a store's list: `/<lang>/s/<store>/newsletter/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "marketing_storefront"

urlpatterns: list[URLPattern | URLResolver] = []
