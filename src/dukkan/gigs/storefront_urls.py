"""Ordering a service and the buyer's gig orders: `/<lang>/s/<store>/services/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "gigs_storefront"

urlpatterns: list[URLPattern | URLResolver] = []
