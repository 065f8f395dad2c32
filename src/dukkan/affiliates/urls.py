"""The affiliate programme, per store: `/<lang>/dashboard/<store>/affiliates/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from dukkan.affiliates import views

app_name = "affiliates"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.overview, name="overview"),
    path("overrides/", views.add_override, name="add_override"),
    path("overrides/<int:override_id>/remove/", views.remove_override, name="remove_override"),
    path("payouts/", views.payouts, name="payouts"),
    path("payouts/<int:batch_id>/csv/", views.batch_csv, name="batch_csv"),
    path("<int:affiliate_id>/decide/", views.decide, name="decide"),
]
