"""My purchases, per store: `/<lang>/s/<store>/purchases/`."""

from __future__ import annotations

from django.urls import URLPattern, path

from dukkan.delivery import views

app_name = "purchases"

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("link/", views.request_link, name="request_link"),
    path("open/<str:purchases_token>/", views.open_link, name="open"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("receipts/<str:receipt_number>/", views.receipt, name="receipt"),
]
