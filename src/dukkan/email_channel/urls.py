"""Support addresses and mail settings, per store: `/<lang>/dashboard/<store>/email/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "email_channel"

urlpatterns: list[URLPattern | URLResolver] = []
