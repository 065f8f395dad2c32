"""The operator's review queue: `/<lang>/operator/review/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from dukkan.moderation import views

app_name = "moderation_operator"

urlpatterns: list[URLPattern | URLResolver] = [path("", views.queue, name="queue")]
