"""A customer's own licences and activations: `/<lang>/s/<store>/licenses/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "licensing_storefront"

urlpatterns: list[URLPattern | URLResolver] = []
