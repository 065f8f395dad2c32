"""A seller's services: packages, gig orders and earnings: `/<lang>/dashboard/<store>/services/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "gigs"

urlpatterns: list[URLPattern | URLResolver] = []
