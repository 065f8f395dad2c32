"""Language-neutral list endpoints: `/newsletter/…` (one-click unsubscribe, RFC 8058)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "marketing_public"

urlpatterns: list[URLPattern | URLResolver] = []
