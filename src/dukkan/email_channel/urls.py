"""Support addresses and mail settings, per store: `/<lang>/dashboard/<store>/email/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from dukkan.email_channel import views

app_name = "email_channel"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("addresses/<int:address_id>/delete/", views.delete_address, name="delete_address"),
    path("inbound/<int:inbound_id>/retry/", views.retry, name="retry"),
    path("inbound/<int:inbound_id>/raw/", views.raw, name="raw"),
]
