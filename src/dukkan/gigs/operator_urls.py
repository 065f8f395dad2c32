"""The marketplace operator's side of gigs (disputes, payouts, settings): `/<lang>/operator/gigs/`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "gigs_operator"

urlpatterns: list[URLPattern | URLResolver] = []
