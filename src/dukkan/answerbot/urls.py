"""The answer bot, teams and routing, satisfaction and measures: `/<lang>/dashboard/<store>/bot/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "answerbot"

urlpatterns: list[URLPattern | URLResolver] = []
