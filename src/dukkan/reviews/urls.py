"""The seller's reviews: `/<lang>/dashboard/<store>/reviews/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from dukkan.reviews import views

app_name = "reviews"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("<int:review_id>/reply/", views.reply, name="reply"),
]
