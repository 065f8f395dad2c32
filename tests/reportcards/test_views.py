"""Operator and seller pages through HTTP, with bad input first."""

from __future__ import annotations

from typing import Any

from dukkan.catalog import services as catalog
from dukkan.moderation.models import ListingReview, ModerationSettings
from dukkan.reportcards import services
from dukkan.reportcards.models import Level, LevelThreshold


def test_overlapping_thresholds_form_says_why_and_saves_nothing(
    client: Any, make_user: Any
) -> None:
    operator = make_user(is_operator=True)
    client.force_login(operator)
    services.thresholds()
    payload = {"action": "thresholds"}
    for level, values in services.DEFAULT_THRESHOLDS.items():
        for key, value in values.items():
            payload[f"{level}-{key}"] = str(value)
    payload["top-min_orders"] = "3"  # fewer than level 2's 20
    response = client.post("/en/operator/report-cards/", payload, follow=True)
    assert "overlap" in response.content.decode()
    assert LevelThreshold.objects.get(level=Level.TOP).min_orders == 50
    payload["top-min_orders"] = "60"
    response = client.post("/en/operator/report-cards/", payload, follow=True)
    assert LevelThreshold.objects.get(level=Level.TOP).min_orders == 60


def test_seller_card_page_and_operator_refusal_without_reasons(
    client: Any, make_store: Any, make_user: Any
) -> None:
    ModerationSettings.objects.create(pk=1, review_listings=True)
    owner = make_user()
    store = make_store(owner=owner)
    product = catalog.create_product(store, title="Thin", price_minor=100, visibility="published")
    review = ListingReview.objects.get(product=product)
    operator = make_user(is_operator=True)
    client.force_login(operator)
    page = client.get("/en/operator/review/").content.decode()
    assert "Thin" in page
    assert "Cover image" in page
    response = client.post(
        "/en/operator/review/",
        {"review": review.pk, "action": "reject", "reasons": ""},
        follow=True,
    )
    assert "Say why" in response.content.decode()
    review.refresh_from_db()
    assert review.status == "pending"
    client.force_login(owner)
    page = client.get(f"/en/dashboard/{store.slug}/report-card/").content.decode()
    assert "Your first report card comes" in page
    assert "Pricing guidance" in page
    page = client.get(f"/en/dashboard/{store.slug}/listing-review/").content.decode()
    assert "Thin" in page
