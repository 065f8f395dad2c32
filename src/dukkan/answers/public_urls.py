"""Language-neutral answer endpoints for the widget and help center: `/answers/…`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "answers_public"

urlpatterns: list[URLPattern | URLResolver] = []
