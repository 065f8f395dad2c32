"""The public help center, per store: `/<lang>/s/<store>/help/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

import dukkan.knowledge.helpcenter_views as views
from dukkan.callbacks.helpcenter import request_page as callback_page

app_name = "knowledge_helpcenter"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("search/", views.search_page, name="search"),
    path("c/<str:category_slug>/", views.category_page, name="category"),
    # Before the article pattern: an article slugged "callback" would otherwise take it.
    path("callback/", callback_page, name="callback"),
    path("<str:article_slug>/", views.article_page, name="article"),
    path("<str:article_slug>/feedback/", views.feedback, name="feedback"),
]
