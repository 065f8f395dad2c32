"""Pricing guidance on the service editor and the report card (money formatted, one currency),
and the sellers' guides in three languages linked from the card in the reader's language."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import translation

from dukkan.core.money import format_money
from dukkan.knowledge.models import Article
from dukkan.reportcards import selectors, services
from dukkan.reportcards.models import ReportCard
from dukkan.reviews.models import Review
from tests.reportcards.test_job import gig, service


def _rated(store: Any, prices: tuple[int, int], rating: int) -> Any:
    product = service(store, prices)
    order = gig(store, product, f"r{product.pk}@x.test")
    Review.objects.create(
        store=store, product=product, gig_order=order, checkout_order=order.checkout_order,
        rating=rating,
    )  # fmt: skip
    return product


def test_guidance_compares_one_currency_and_shows_money_on_the_editor(
    client: Client, make_store: Any, make_user: Any
) -> None:
    owner = make_user()
    seller = make_store(owner=owner, currency="SAR", default_language="fa")
    mine = service(seller, (1000, 3000))
    for price, rating in ((2000, 3), (4000, 4), (6000, 5), (8000, 5)):
        _rated(make_store(currency="SAR"), (price, price * 2), rating)
    # Dollars are another market: a 1-cent and a 999-dollar service change nothing.
    service(make_store(currency="USD"), (1, 99_900))
    guide = selectors.pricing_guidance(seller.pk)
    assert guide["currency"] == "SAR"
    assert guide["services"] == 5
    basic = next(t for t in guide["tiers"] if t["tier"] == "basic")
    # Basic prices 1000, 2000, 4000, 6000, 8000: inclusive quartiles 2000, 4000, 6000.
    assert (basic["q1"], basic["median"], basic["q3"]) == (2000, 4000, 6000)
    assert (basic["mine"], basic["position"]) == (1000, "low")
    # Rated: 3 at 2000 and 4 at 4000 (lower half) against 5 and 5 above: higher rated.
    assert guide["higher_rated"] is True
    client.force_login(owner)
    html = client.get(f"/fa/dashboard/{seller.slug}/services/product/{mine.pk}/").content.decode()
    with translation.override("fa"):
        assert translation.gettext("Pricing guidance") in html
        assert translation.gettext("below most sellers") in html
    for amount in (2000, 4000, 6000, 1000):
        assert format_money(amount, "SAR", "fa") in html
    assert ">4000<" not in html  # never raw minor units
    assert "۴۰۰۰" not in html
    card = client.get(f"/fa/dashboard/{seller.slug}/report-card/").content.decode()
    assert format_money(4000, "SAR", "fa") in card


def test_guidance_without_services_in_the_sellers_currency(make_store: Any) -> None:
    service(make_store(currency="USD"), (1000, 2000))
    seller = make_store(currency="IRR")
    guide = selectors.pricing_guidance(seller.pk)
    assert (guide["tiers"], guide["services"], guide["higher_rated"]) == ([], 0, None)


def test_guides_exist_in_three_languages_and_cards_link_the_readers_one(make_store: Any) -> None:
    store = make_store(default_language="ar")
    conf = services.settings_row()
    conf.guides_store = store
    conf.save()
    assert services.ensure_guides(store) == 3 * len(services.GUIDE_SLUGS)
    assert services.ensure_guides(store) == 0
    slug = services.GUIDE_SLUGS["canned_replies"]
    versions = Article.objects.filter(store=store, slug=slug)
    assert sorted(versions.values_list("language", flat=True)) == ["ar", "en", "fa"]
    assert len({a.translation_group for a in versions}) == 1
    fa = selectors.guide_urls(["canned_replies", "faq"], "fa")
    assert fa["canned_replies"] == f"/fa/s/{store.slug}/help/{slug}/"
    assert selectors.guide_url("canned_replies", "ar").startswith("/ar/")
    # A guide the operator has not translated (or unpublished) falls back to English.
    versions.filter(language="fa").update(status="draft")
    assert selectors.guide_url("canned_replies", "fa") == f"/en/s/{store.slug}/help/{slug}/"


def test_card_email_links_the_guide_in_the_stores_language(make_store: Any) -> None:
    store = make_store(default_language="fa")
    conf = services.settings_row()
    conf.guides_store = store
    conf.save()
    services.ensure_guides(store)
    card = ReportCard.objects.create(
        store=store, period=date(2026, 3, 1), status="done", language="fa",
        suggestions=["canned_replies"],
    )  # fmt: skip
    services.send_card_email(card)
    base = settings.DUKKAN_BASE_URL.rstrip("/")
    slug = services.GUIDE_SLUGS["canned_replies"]
    assert f"{base}/fa/s/{store.slug}/help/{slug}/" in mail.outbox[0].body
