from __future__ import annotations

from django.urls import URLPattern, path

from dukkan.checkout import views

app_name = "checkout"

urlpatterns: list[URLPattern] = [
    path("", views.order_list, name="list"),
    path("settings/", views.selling_settings_view, name="settings"),
    path("<str:order_number>/", views.order_detail, name="detail"),
    path("<str:order_number>/refund/", views.refund_order, name="refund"),
    path("<str:order_number>/confirm-transfer/", views.confirm_transfer, name="confirm_transfer"),
    path("<str:order_number>/cancel/", views.cancel_order, name="cancel"),
]
