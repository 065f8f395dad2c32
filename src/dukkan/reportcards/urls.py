"""The seller's own report card: `/<lang>/dashboard/<store>/report-card/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from dukkan.reportcards import views

app_name = "reportcards"

urlpatterns: list[URLPattern | URLResolver] = [path("", views.my_card, name="card")]
