"""The marketplace operator's side of gigs (disputes, payouts, settings): `/<lang>/operator/gigs/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from dukkan.gigs import operator_views

app_name = "gigs_operator"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", operator_views.home, name="home"),
    path("disputes/<int:gig_order_id>/", operator_views.dispute, name="dispute"),
    path("payouts/<int:seller_store_id>/", operator_views.payout, name="payout"),
    path("reviews/<int:review_id>/", operator_views.hide_review, name="hide_review"),
]
