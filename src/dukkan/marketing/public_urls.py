"""Language-neutral list endpoints: `/newsletter/…` (one-click unsubscribe, RFC 8058)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from dukkan.marketing import public_views

app_name = "marketing_public"

urlpatterns: list[URLPattern | URLResolver] = [
    path("u/<str:list_token>/", public_views.unsubscribe, name="unsubscribe"),
    path("o/<str:tracking_token>/", public_views.track_open, name="open"),
    path("c/<str:tracking_token>/", public_views.track_click, name="click"),
]
