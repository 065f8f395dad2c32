"""FAQ matching settings and the unanswered-questions report: `/<lang>/dashboard/<store>/answers/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "answers"

urlpatterns: list[URLPattern | URLResolver] = []
