"""Affiliate sign-up and the affiliate's own dashboard: `/<lang>/s/<store>/affiliates/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "affiliates_storefront"

urlpatterns: list[URLPattern | URLResolver] = []
