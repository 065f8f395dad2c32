"""Ordering a service and the buyer's gig orders: `/<lang>/s/<store>/services/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from dukkan.gigs import shop_views

app_name = "gigs_storefront"

urlpatterns: list[URLPattern | URLResolver] = [
    path("order/<int:gig_package_id>/", shop_views.order_package, name="order_package"),
    path("o/<str:gig_token>/", shop_views.order_page, name="order"),
    path(
        "o/<str:gig_token>/file/<slug:file_kind>/<int:gig_file_id>/",
        shop_views.order_file,
        name="order_file",
    ),
    path("o/<str:gig_token>/<slug:gig_action>/", shop_views.order_action, name="order_action"),
]
