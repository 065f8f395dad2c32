"""Language-neutral callback endpoints for the widget and help center: `/callbacks/…`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "callbacks_public"

urlpatterns: list[URLPattern | URLResolver] = []
