"""Coupons, sales and offers, per store: `/<lang>/dashboard/<store>/promotions/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "promotions"

urlpatterns: list[URLPattern | URLResolver] = []
