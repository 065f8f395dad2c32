"""Demo: report-card day, guide articles, a computed card per store, levels, a bonus round."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from dukkan.accounts.models import User
from dukkan.core.models import Store
from dukkan.reportcards import services
from dukkan.reportcards.models import BonusRound, ReportCard

BANNER = [
    "Report cards: {base_url}/en/operator/report-cards/ (operator) · {base_url}/fa/dashboard/afzoonesara/report-card/",
]

GUIDES = {
    "canned_replies": ("Answer faster with canned replies and an FAQ", "Save your most common answers as canned replies and publish FAQ articles, so buyers get an answer in minutes."),
    "requirements_form": ("Write a requirements form that prevents revisions", "Ask for sizes, colours, examples and deadlines before you start; every question answered up front is a revision saved."),
    "delivery_days": ("Choose realistic delivery days", "Promise the days you need on a busy week, not a quiet one; early delivery pleases, late delivery costs reviews."),
    "scope": ("Agree on the scope before you start", "Confirm in the order's conversation what is and is not included before the clock starts."),
    "descriptions": ("Describe exactly what the buyer gets", "List deliverables, formats and limits; refunds come from surprises."),
    "faq": ("Let the FAQ answer common questions", "Publish answers to the questions buyers ask before ordering."),
    "pricing_guidance": ("Price by the value of your work", "Compare your packages with the quartiles of your category; good work priced above the median sells."),
}  # fmt: skip


def load(stores: dict[str, Store], people: dict[str, User]) -> None:
    from dukkan.knowledge import services as knowledge
    from dukkan.knowledge.models import Article

    if not stores:
        return
    guides_store = next(iter(stores.values()))
    conf = services.settings_row()
    if conf.guides_store_id is None:
        conf.guides_store = guides_store
        conf.report_day = 1
        conf.save()
    for code, (title, body) in GUIDES.items():
        slug = services.GUIDE_SLUGS[code]
        if not Article.objects.filter(store=guides_store, slug=slug).exists():
            knowledge.create_article(guides_store, title=title, body=body, language="en", slug=slug)
    # The demo's orders were made today and a card's window ends where its day starts:
    # the demo card is tomorrow's so they count (the periodic job uses the report-card day).
    period = timezone.now().date() + timedelta(days=1)
    if not ReportCard.objects.filter(period=period).exists():
        services.run_report_cards(period, email=False)
    if not BonusRound.objects.exists():
        operator = next((u for u in people.values() if u.is_operator), None)
        currency = guides_store.currency
        from dukkan.gigs.selectors import platform_balance

        pool = min(platform_balance(currency), 10_000)
        if pool > 0:
            # Refused when no seller in that currency completed orders in the window.
            with contextlib.suppress(ValidationError):
                services.create_bonus_round(
                    name="Demo half-year bonus", period=period, currency=currency,
                    pool_minor=pool, winners=3, by=operator,
                )  # fmt: skip
