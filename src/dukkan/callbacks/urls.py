"""The Callbacks view (due, overdue, done): `/<lang>/dashboard/<store>/callbacks/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from dukkan.callbacks import views

app_name = "callbacks"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.callback_list, name="list"),
    path("new/", views.new_callback, name="new"),
    path("<int:callback_id>/attempt/", views.attempt, name="attempt"),
    path("settings/", views.settings_page, name="settings"),
]
