from __future__ import annotations

from django.urls import URLPattern, path

from dukkan.checkout import shop_views

app_name = "shop"

urlpatterns: list[URLPattern] = [
    path("order/<str:order_token>/", shop_views.order_page, name="order"),
    path("order/<str:order_token>/cancel/", shop_views.cancel_pending, name="cancel"),
    path("order/<str:order_token>/test-pay/", shop_views.test_pay, name="test_pay"),
    path(
        "return/<str:payment_provider>/<str:order_token>/",
        shop_views.provider_return,
        name="return",
    ),
    path("<str:product_slug>/", shop_views.checkout, name="checkout"),
]
