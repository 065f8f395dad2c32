"""Language-neutral knowledge-base endpoints: `/kb/…` (search-as-you-type, sitemap)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "knowledge_public"

urlpatterns: list[URLPattern | URLResolver] = []
