"""The seller's profile of reviews and the buyer's review form: `/<lang>/s/<store>/reviews/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from dukkan.reviews import views

app_name = "reviews_storefront"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.profile, name="profile"),
    path("order/<str:order_token>/", views.write, name="write"),
]
