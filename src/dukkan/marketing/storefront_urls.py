"""Subscribing to a store's list: `/<lang>/s/<store>/newsletter/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from dukkan.marketing import public_views

app_name = "marketing_storefront"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", public_views.subscribe, name="subscribe"),
    path("confirm/<str:confirm_token>/", public_views.confirm, name="confirm"),
    path("manage/<str:list_token>/", public_views.manage, name="manage"),
]
