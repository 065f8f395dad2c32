"""Language-neutral answer endpoints for the widget: `/answers/<store>/…`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from dukkan.answers import public_views

app_name = "answers_public"

urlpatterns: list[URLPattern | URLResolver] = [
    path("<str:store_slug>/suggest", public_views.suggest, name="suggest"),
    path("<str:store_slug>/open", public_views.open_answer, name="open"),
]
