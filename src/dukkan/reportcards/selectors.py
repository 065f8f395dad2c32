"""Reads of report cards: the card in words, level benefits, pricing guidance."""

from __future__ import annotations

import statistics
from collections import defaultdict
from typing import Any

from django.core.cache import cache
from django.db.models import Avg
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dukkan.catalog.models import Product, ProductKind
from dukkan.core.models import Store
from dukkan.core.templatetags.dukkan import ldate
from dukkan.gigs.models import TIER_ORDER, ServicePackage, Tier
from dukkan.gigs.selectors import platform_balance
from dukkan.reportcards.models import (
    BonusAward,
    Level,
    LevelThreshold,
    ReportCard,
    ReportCardSettings,
    StoreLevel,
)
from dukkan.reviews.models import Review


def metric_labels() -> dict[str, str]:
    return {
        "rating": _("Average rating"),
        "on_time_rate": _("On-time delivery"),
        "completion_rate": _("Order completion"),
        "response_rate": _("Response rate"),
        "repeat_rate": _("Repeat buyers"),
        "revision_rate": _("Orders with revisions"),
        "first_response_minutes": _("First response time (minutes)"),
        "refund_rate": _("Refund rate"),
        "conversations_per_sale": _("Support conversations per sale"),
        "disputes": _("Disputes"),
        "min_orders": _("Completed orders"),
        "min_rating_x100": _("Average rating ×100"),
        "min_on_time_pct": _("On-time delivery (%)"),
        "min_completion_pct": _("Order completion (%)"),
    }


def suggestion_texts() -> dict[str, str]:
    return {
        "canned_replies": _(
            "Answer faster: set up canned replies and an FAQ for the questions you get most."
        ),
        "requirements_form": _(
            "Many orders needed revisions: make your requirements form ask for what you need "
            "before you start."
        ),
        "delivery_days": _("Deliveries were late: give yourself realistic delivery days."),
        "scope": _("Agree on the scope in the conversation before you start the order."),
        "descriptions": _("Refunds were high: describe exactly what the buyer gets."),
        "faq": _("Add FAQ answers so buyers find answers without asking."),
        "pricing_guidance": _("See the pricing guidance: good work may charge more."),
    }


def _fmt(code: str, value: Any) -> str:
    if value is None:
        return "—"
    if (code.endswith("_rate") and code != "conversations_per_sale") or code == "completion_rate":
        return f"{round(float(value) * 100)}%"
    return str(round(value, 2)) if isinstance(value, float) else str(value)


def guide_urls(codes: list[str], language: str) -> dict[str, str]:
    """Each suggestion's guide in the operator's knowledge base, in `language` when the guide
    has that translation, else in English, else in any language it has; "" when none."""
    from dukkan.knowledge.models import Article
    from dukkan.knowledge.selectors import article_url
    from dukkan.reportcards.services import GUIDE_SLUGS

    conf = ReportCardSettings.objects.filter(pk=1).first()
    slugs = {GUIDE_SLUGS[c]: c for c in codes if c in GUIDE_SLUGS}
    if conf is None or conf.guides_store_id is None or not slugs:
        return dict.fromkeys(codes, "")
    groups = dict(
        Article.objects.filter(store_id=conf.guides_store_id, slug__in=slugs).values_list(
            "translation_group", "slug"
        )
    )
    versions: dict[str, dict[str, Article]] = defaultdict(dict)
    published = Article.objects.filter(
        store_id=conf.guides_store_id, translation_group__in=groups, status="published"
    ).select_related("store")
    for version in published:
        versions[slugs[groups[version.translation_group]]][version.language] = version
    found: dict[str, str] = {}
    for code in codes:
        by_language = versions.get(code, {})
        article: Article | None = (
            by_language.get(language)
            or by_language.get("en")
            or next(iter(by_language.values()), None)
        )
        found[code] = article_url(article) if article is not None else ""
    return found


def guide_url(code: str, language: str | None = None) -> str:
    return guide_urls([code], language or _active_language())[code]


def _active_language() -> str:
    return (get_language() or "en").split("-")[0]


def card_view(card: ReportCard) -> dict[str, Any]:
    """The card in the active language: labelled figures and suggestions with guide links."""
    labels, texts = metric_labels(), suggestion_texts()
    levels = dict(Level.choices)
    # The guides in the reader's language (the store's, in the card's email).
    urls = guide_urls(list(card.suggestions), _active_language())

    def line(item: dict[str, Any]) -> dict[str, Any]:
        code = item["code"]
        return {
            "label": labels.get(code, code),
            "value": _fmt(code, item.get("value")),
            "median": _fmt(code, item.get("median")),
            "need": item.get("need"),
        }

    return {
        "card": card,
        # The day the card was made, in the reader's calendar (Jalali in Persian).
        "period_label": ldate(card.period, "long"),
        "figures": [
            {
                "label": labels[c],
                "value": _fmt(c, card.metrics.get(c)),
                "median": _fmt(c, card.medians.get(c)),
            }
            for c in (
                "rating",
                "on_time_rate",
                "completion_rate",
                "revision_rate",
                "first_response_minutes",
                "response_rate",
                "repeat_rate",
                "refund_rate",
                "conversations_per_sale",
            )
        ],
        "positives": [line(i) for i in card.positives],
        "negatives": [line(i) for i in card.negatives],
        "suggestions": [
            {"text": texts.get(code, code), "url": urls[code]} for code in card.suggestions
        ],
        "level": levels.get(card.level, ""),
        "previous_level": levels.get(card.previous_level, ""),
        "level_changed": card.level != card.previous_level,
        "level_reasons": [line(i) for i in card.level_reasons],
    }


def latest_card(store_id: int) -> ReportCard | None:
    return ReportCard.objects.filter(store_id=store_id, status="done").order_by("-period").first()


def level_cache_key(store_id: int) -> str:
    return f"reportcards:level:{store_id}"


def level_of(store_id: int) -> str:
    """The seller's level; cached (listings show it on every page render), and forgotten by
    the report-card job when the level changes."""
    key = level_cache_key(store_id)
    cached = cache.get(key)
    if cached is not None:
        return str(cached)
    found = StoreLevel.objects.filter(store_id=store_id).values_list("level", flat=True).first()
    level = found or Level.NEW
    cache.set(key, level, 6 * 3600)
    return level


def level_benefits(store_id: int) -> dict[str, Any]:
    """What the seller's level unlocks: {"level", "label", "max_active_services",
    "clearing_days"}. The gigs app calls this to cap active services and set payout delay."""
    from dukkan.reportcards.services import thresholds

    level = level_of(store_id)
    row: LevelThreshold = thresholds()[level]
    return {
        "level": level,
        "label": str(dict(Level.choices)[level]),
        "max_active_services": row.max_active_services,
        "clearing_days": row.clearing_days,
    }


def quartiles(values: list[int]) -> tuple[float, float, float]:
    """Lower quartile, median, upper quartile (inclusive method; one value repeats)."""
    if len(values) == 1:
        return float(values[0]), float(values[0]), float(values[0])
    q1, q2, q3 = statistics.quantiles(sorted(values), n=4, method="inclusive")
    return q1, q2, q3


def _position(own: float | None, q1: float, q3: float) -> str | None:
    if own is None:
        return None
    return "low" if own < q1 else "high" if own > q3 else "middle"


def pricing_guidance(
    store_id: int, category: str = "service", currency: str | None = None
) -> dict[str, Any]:
    """Price quartiles of published services per package tier, this seller's median per
    tier, and the average rating of services by price quartile.

    Only services priced in one currency (the seller's store's, unless given) are compared:
    quartiles of mixed currencies would mean nothing. Amounts are whole minor units.
    """
    if currency is None:
        currency = Store.objects.filter(pk=store_id).values_list("currency", flat=True).first()
    rows = list(
        ServicePackage.objects.filter(
            product__visibility="published", product__kind=category, currency=currency
        ).values_list("store_id", "product_id", "tier", "price_minor")
    )
    # The seller's own prices count even while a service waits in review (not yet published).
    mine: dict[str, list[int]] = defaultdict(list)
    for tier, price in ServicePackage.objects.filter(
        store_id=store_id, product__kind=category, currency=currency
    ).values_list("tier", "price_minor"):
        mine[tier].append(price)
    by_tier: dict[str, list[int]] = defaultdict(list)
    for _sid, _pid, tier, price in rows:
        by_tier[tier].append(price)
    tier_labels = dict(Tier.choices)
    tiers = []
    for tier in sorted(by_tier, key=lambda t: TIER_ORDER.get(t, 9)):
        q1, q2, q3 = quartiles(by_tier[tier])
        own = round(statistics.median(mine[tier])) if mine.get(tier) else None
        tiers.append({"tier": tier, "label": str(tier_labels.get(tier, tier)),
                      "count": len(by_tier[tier]), "q1": round(q1), "median": round(q2),
                      "q3": round(q3), "mine": own, "position": _position(own, q1, q3)})  # fmt: skip
    return {
        "currency": currency,
        "category": category,
        "tiers": tiers,
        **_rating_by_price(rows),
    }


def _rating_by_price(rows: list[tuple[int, int, str, int]]) -> dict[str, Any]:
    """Each service's lowest package price against its average rating, by price quartile;
    `higher_rated` says whether the upper half of prices is rated higher than the lower half
    (None when either half has no rated service)."""
    product_price: dict[int, int] = {}
    for _sid, pid, _tier, price in rows:
        product_price[pid] = min(price, product_price.get(pid, price))
    ratings = dict(
        Review.objects.filter(product_id__in=product_price, hidden=False)
        .values("product_id")
        .annotate(r=Avg("rating"))
        .values_list("product_id", "r")
    )
    by_quartile: list[dict[str, Any]] = []
    higher_rated: bool | None = None
    if product_price:
        q1, q2, q3 = quartiles(list(product_price.values()))
        buckets: dict[int, list[float]] = defaultdict(list)
        for pid, price in product_price.items():
            if pid in ratings:
                index = 0 if price <= q1 else 1 if price <= q2 else 2 if price <= q3 else 3
                buckets[index].append(float(ratings[pid]))
        bounds = [(None, round(q1)), (round(q1), round(q2)), (round(q2), round(q3)),
                  (round(q3), None)]  # fmt: skip
        for index in range(4):
            values = buckets.get(index, [])
            above, upto = bounds[index]
            if above is not None and upto is not None and above >= upto and not values:
                continue  # an empty range (few distinct prices): no row
            by_quartile.append({
                "quartile": index + 1, "above": bounds[index][0], "upto": bounds[index][1],
                "rating": round(statistics.mean(values), 2) if values else None,
                "services": len(values),
            })  # fmt: skip
        lower = buckets.get(0, []) + buckets.get(1, [])
        upper = buckets.get(2, []) + buckets.get(3, [])
        if lower and upper:
            higher_rated = statistics.mean(upper) > statistics.mean(lower)
    return {
        "rating_by_quartile": by_quartile,
        "higher_rated": higher_rated,
        "services": len(product_price),
    }


def bonus_awards(store_id: int, limit: int = 5) -> list[BonusAward]:
    """The seller's latest bonuses, each with the message that says why."""
    return list(
        BonusAward.objects.filter(store_id=store_id).select_related("round").order_by("-pk")[:limit]
    )


def published_service_count(store_id: int) -> int:
    return Product.objects.filter(store_id=store_id, kind="service", visibility="published").count()


def latest_period() -> Any:
    return (
        ReportCard.objects.filter(status="done")
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )


def operator_overview(period: Any) -> dict[str, Any]:
    """All cards of `period`, the distribution per category, and sellers whose figures dropped
    since their previous card (rating by 0.3 or more, on-time delivery by 10 points or more)."""
    cards = list(
        ReportCard.objects.filter(period=period, status="done")
        .select_related("store")
        .order_by("store__name")
    )
    distribution = []
    per_category: dict[str, list[ReportCard]] = defaultdict(list)
    for card in cards:
        per_category[card.category].append(card)
    labels = metric_labels()
    for category, members in sorted(per_category.items()):
        for code in ("rating", "on_time_rate", "completion_rate", "first_response_minutes"):
            values = [c.metrics[code] for c in members if c.metrics.get(code) is not None]
            if values:
                q1, q2, q3 = quartiles(values)
                distribution.append({
                    "category": category, "label": labels[code], "sellers": len(values),
                    "category_label": str(dict(ProductKind.choices).get(category, category)),
                    "q1": _fmt(code, round(q1, 4)), "median": _fmt(code, round(q2, 4)),
                    "q3": _fmt(code, round(q3, 4)),
                })  # fmt: skip
    previous: dict[int, ReportCard] = {}
    for c in ReportCard.objects.filter(period__lt=period, status="done").order_by("-period"):
        previous.setdefault(c.store_id, c)
    dropped = []
    for card in cards:
        before = previous.get(card.store_id)
        if before is None:
            continue
        reasons = []
        for code, step in (("rating", 0.3), ("on_time_rate", 0.1), ("completion_rate", 0.1)):
            now, then = card.metrics.get(code), before.metrics.get(code)
            if now is not None and then is not None and then - now >= step:
                reasons.append(f"{labels[code]}: {_fmt(code, then)} → {_fmt(code, now)}")
        if reasons:
            dropped.append({"store": card.store, "reasons": reasons})
    return {"cards": cards, "distribution": distribution, "dropped": dropped}


def bonus_pools() -> list[tuple[str, int]]:
    """Each currency the sellers use, with what the platform holds in it (the most a bonus
    round in that currency can give)."""
    currencies = sorted(set(Store.objects.values_list("currency", flat=True)))
    return [(currency, platform_balance(currency)) for currency in currencies]
