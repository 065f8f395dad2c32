from __future__ import annotations

from django.urls import path

from dukkan.catalog import storefront

app_name = "storefront"

urlpatterns = [
    path("p/<str:product_slug>/", storefront.product_page, name="product"),
    path("p/<str:product_slug>/sample/", storefront.sample, name="sample"),
    path("media/<path:media_path>", storefront.media, name="media"),
]
