"""The operator's report cards, levels and bonus rounds: `/<lang>/operator/report-cards/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from dukkan.reportcards import views

app_name = "reportcards_operator"

urlpatterns: list[URLPattern | URLResolver] = [path("", views.overview, name="overview")]
