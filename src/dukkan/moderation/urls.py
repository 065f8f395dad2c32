"""A seller's listing reviews and infringement reports: `/<lang>/dashboard/<store>/listing-review/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from dukkan.moderation import views

app_name = "moderation"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.seller_reviews, name="list"),
    path("<int:listing_review_id>/resubmit/", views.resubmit, name="resubmit"),
    path("report/", views.report, name="report"),
]
