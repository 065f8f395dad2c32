"""Coupons, sales and offers, per store: `/<lang>/dashboard/<store>/promotions/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from dukkan.promotions import views

app_name = "promotions"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.coupon_list, name="coupons"),
    path("coupons/new/", views.coupon_new, name="coupon_new"),
    path("coupons/<int:coupon_id>/", views.coupon_edit, name="coupon_edit"),
    path("coupons/<int:coupon_id>/toggle/", views.coupon_toggle, name="coupon_toggle"),
    path("batches/new/", views.batch_new, name="batch_new"),
    path("batches/<int:coupon_batch_id>/", views.batch_detail, name="batch"),
    path("batches/<int:coupon_batch_id>/codes.csv", views.batch_export, name="batch_export"),
    path("sales/", views.sale_list, name="sales"),
    path("sales/<int:store_sale_id>/", views.sale_edit, name="sale_edit"),
    path("offers/", views.offers, name="offers"),
    path(
        "offers/cross-sells/<int:cross_sell_id>/delete/",
        views.cross_sell_delete,
        name="cross_sell_delete",
    ),
    path("offers/upsells/<int:upsell_id>/delete/", views.upsell_delete, name="upsell_delete"),
    path("offers/upgrades/<int:upgrade_id>/delete/", views.upgrade_delete, name="upgrade_delete"),
]
