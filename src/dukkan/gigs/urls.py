"""A seller's services: packages, gig orders and earnings: `/<lang>/dashboard/<store>/services/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from dukkan.gigs import views

app_name = "gigs"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.overview, name="overview"),
    path("earnings/", views.earnings, name="earnings"),
    path("product/<int:product_id>/", views.packages, name="packages"),
    path("product/<int:product_id>/extras/", views.add_extra, name="add_extra"),
    path("product/<int:product_id>/questions/", views.add_question, name="add_question"),
    path("orders/<int:gig_order_id>/", views.order_detail, name="order"),
    path(
        "orders/<int:gig_order_id>/file/<slug:file_kind>/<int:gig_file_id>/",
        views.order_file,
        name="order_file",
    ),
    path("orders/<int:gig_order_id>/<slug:gig_action>/", views.order_action, name="order_action"),
]
