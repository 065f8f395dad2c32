"""Offers a buyer sees: `/<lang>/s/<store>/offers/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "promotions_storefront"

urlpatterns: list[URLPattern | URLResolver] = []
