"""Offers a buyer sees: `/<lang>/s/<store>/offers/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from dukkan.promotions import storefront_views

app_name = "promotions_storefront"

urlpatterns: list[URLPattern | URLResolver] = [
    path("upsell/<str:order_token>/<int:upsell_id>/", storefront_views.upsell, name="upsell"),
    path(
        "together/<str:order_token>/<int:cross_sell_id>/",
        storefront_views.together,
        name="together",
    ),
    path("upgrade/<int:upgrade_id>/", storefront_views.upgrade, name="upgrade"),
]
