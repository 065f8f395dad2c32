"""Licence keys, per store: `/<lang>/dashboard/<store>/licenses/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from dukkan.licensing import views

app_name = "licensing"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.licence_list, name="list"),
    path("offline/", views.offline, name="offline"),
    path("signing-keys/rotate/", views.rotate, name="rotate"),
    path("products/<int:product_id>/", views.policy, name="policy"),
    path("<int:licence_id>/", views.licence_detail, name="detail"),
    path(
        "<int:licence_id>/activations/<int:activation_id>/release/",
        views.release,
        name="release",
    ),
]
