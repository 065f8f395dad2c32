"""Affiliate sign-up and the affiliate's own dashboard: `/<lang>/s/<store>/affiliates/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from dukkan.affiliates import storefront_views

app_name = "affiliates_storefront"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", storefront_views.join, name="join"),
    path("dashboard/", storefront_views.dashboard, name="dashboard"),
]
