"""A customer's own licences and activations: `/<lang>/s/<store>/licenses/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from dukkan.licensing import storefront_views

app_name = "licensing_storefront"

urlpatterns: list[URLPattern | URLResolver] = [
    path("offline/", storefront_views.offline, name="offline"),
    path("activations/<int:activation_id>/release/", storefront_views.release, name="release"),
]
