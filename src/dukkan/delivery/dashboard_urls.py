"""The seller's delivery page: `/<lang>/dashboard/<store>/delivery/` (mounted in config/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from dukkan.delivery import dashboard_views

app_name = "delivery_dashboard"

urlpatterns: list[URLPattern] = [
    path("", dashboard_views.delivery_page, name="edit"),
]
