"""Language-neutral knowledge-base endpoints: `/kb/…` (search-as-you-type, sitemap)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

import dukkan.knowledge.public_views as views

app_name = "knowledge_public"

urlpatterns: list[URLPattern | URLResolver] = [
    path("<str:store_slug>/search", views.search_json, name="search"),
    path("<str:store_slug>/sitemap.xml", views.sitemap, name="sitemap"),
]
