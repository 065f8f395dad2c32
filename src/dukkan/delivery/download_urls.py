"""Signed download links, outside the language prefix: `/dl/<token>/`."""

from __future__ import annotations

from django.urls import URLPattern, path

from dukkan.delivery import views

app_name = "download"

urlpatterns: list[URLPattern] = [
    path("<str:download_token>/", views.download, name="file"),
]
