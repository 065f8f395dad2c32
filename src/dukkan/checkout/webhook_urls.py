from __future__ import annotations

from django.urls import URLPattern, path

from dukkan.checkout import webhook_views

app_name = "webhooks"

urlpatterns: list[URLPattern] = [
    path(
        "<str:payment_provider>/<str:store_slug>/",
        webhook_views.receive_webhook,
        name="receive",
    ),
]
