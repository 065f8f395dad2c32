"""The public help center, per store: `/<lang>/s/<store>/help/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "knowledge_helpcenter"

urlpatterns: list[URLPattern | URLResolver] = []
