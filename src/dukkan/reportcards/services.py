"""The report-card job, levels and bonus rounds.

Figures come from a handful of aggregate queries grouped by store (gig orders, reviews,
conversations, checkout orders, FAQ deflections) — never a Python loop over orders — so a
month for 10,000 sellers is a few table scans.
"""

from __future__ import annotations

import itertools
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC as dt_utc
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dukkan.accounts.models import Membership, Role, User
from dukkan.answers.models import Deflection
from dukkan.catalog.models import Product
from dukkan.checkout.models import Order
from dukkan.core.models import Store
from dukkan.core.money import format_decimal_locale, format_money, validate_currency
from dukkan.gigs import services as gig_services
from dukkan.gigs.models import GigOrder, ServicePackage
from dukkan.gigs.selectors import platform_balance
from dukkan.reportcards.models import (
    LEVEL_ORDER,
    BonusAward,
    BonusRound,
    CardStatus,
    Level,
    LevelThreshold,
    ReportCard,
    ReportCardSettings,
    StoreLevel,
)
from dukkan.reviews.models import Review
from dukkan.support.models import Conversation

# --------------------------------------------------------------------------- settings


def settings_row() -> ReportCardSettings:
    found = ReportCardSettings.objects.filter(pk=1).first()
    return found or ReportCardSettings.objects.get_or_create(pk=1)[0]


DEFAULT_THRESHOLDS: dict[str, dict[str, int]] = {
    Level.NEW: {"min_orders": 0, "min_rating_x100": 0, "min_on_time_pct": 0, "min_completion_pct": 0,
                    "max_active_services": 5, "clearing_days": 14},
    Level.LEVEL_1: {"min_orders": 5, "min_rating_x100": 440, "min_on_time_pct": 80,
                        "min_completion_pct": 80, "max_active_services": 10, "clearing_days": 10},
    Level.LEVEL_2: {"min_orders": 20, "min_rating_x100": 460, "min_on_time_pct": 90,
                        "min_completion_pct": 90, "max_active_services": 20, "clearing_days": 7},
    Level.TOP: {"min_orders": 50, "min_rating_x100": 480, "min_on_time_pct": 95,
                    "min_completion_pct": 95, "max_active_services": 30, "clearing_days": 3},
}  # fmt: skip

REQUIREMENTS = ("min_orders", "min_rating_x100", "min_on_time_pct", "min_completion_pct")


def thresholds() -> dict[str, LevelThreshold]:
    found = {t.level: t for t in LevelThreshold.objects.all()}
    missing = [level for level in LEVEL_ORDER if level not in found]
    if missing:
        LevelThreshold.objects.bulk_create(
            [LevelThreshold(level=level, **DEFAULT_THRESHOLDS[level]) for level in missing],
            ignore_conflicts=True,
        )
        found = {t.level: t for t in LevelThreshold.objects.all()}
    return found


def save_thresholds(values: dict[str, dict[str, int]]) -> None:
    """Replace every level's thresholds; refused as a whole when two levels overlap.

    Each level must ask at least as much as the level below in every figure and strictly more
    in at least one; otherwise a seller would qualify for both and the levels overlap.
    """
    names = dict(Level.choices)
    for level in LEVEL_ORDER:
        if level not in values:
            raise ValidationError(
                _("Thresholds are missing for %(level)s.") % {"level": names[level]}
            )
        for key, number in values[level].items():
            if not isinstance(number, int) or number < 0:
                raise ValidationError(_("Thresholds are whole numbers, zero or more."))
            if key == "min_rating_x100" and number > 500:
                raise ValidationError(_("An average rating is at most 5."))
            if key.endswith("_pct") and number > 100:
                raise ValidationError(_("A percentage is at most 100."))
    for lower, higher in itertools.pairwise(LEVEL_ORDER):
        low, high = values[lower], values[higher]
        if any(high.get(k, 0) < low.get(k, 0) for k in REQUIREMENTS) or all(
            high.get(k, 0) == low.get(k, 0) for k in REQUIREMENTS
        ):
            raise ValidationError(
                _(
                    "The thresholds of %(higher)s overlap those of %(lower)s: a higher level "
                    "must ask at least as much in every figure and more in at least one."
                )
                % {"higher": names[higher], "lower": names[lower]}
            )
    with transaction.atomic():
        for level in LEVEL_ORDER:
            LevelThreshold.objects.update_or_create(level=level, defaults=values[level])


# --------------------------------------------------------------------------- figures


def _window(period: date, days: int) -> tuple[datetime, datetime]:
    end = datetime(period.year, period.month, period.day, tzinfo=dt_utc)
    return end - timedelta(days=days), end


def _fetch(sql: str, params: list[Any]) -> dict[int, dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [c[0] for c in cursor.description]
        return {row[0]: dict(zip(columns, row, strict=True)) for row in cursor.fetchall()}


def _seconds(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


def _ratio(part: Any, whole: Any) -> float | None:
    return round(float(part or 0) / float(whole), 4) if whole else None


def compute_figures(period: date, days: int) -> dict[int, dict[str, Any]]:
    """Every seller's figures over the `days` before `period`, from grouped aggregates."""
    start, end = _window(period, days)
    gig, rev = GigOrder._meta.db_table, Review._meta.db_table
    conv, order = Conversation._meta.db_table, Order._meta.db_table
    gigs = _fetch(
        f"""SELECT store_id, COUNT(*) AS orders,
            SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END) AS completed,
            SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END) AS cancelled,
            SUM(CASE WHEN status = 'disputed' OR dispute_reason <> '' THEN 1 ELSE 0 END)
                AS disputes,
            SUM(CASE WHEN delivered_at IS NOT NULL THEN 1 ELSE 0 END) AS delivered,
            SUM(CASE WHEN delivered_at IS NOT NULL AND is_late = %s THEN 1 ELSE 0 END) AS on_time,
            SUM(CASE WHEN delivered_at IS NOT NULL AND revisions_used > 0 THEN 1 ELSE 0 END)
                AS revised,
            SUM(CASE WHEN status = 'completed'
                THEN price_minor - commission_minor - refunded_minor ELSE 0 END) AS earnings
            FROM {gig} WHERE created_at >= %s AND created_at < %s GROUP BY store_id""",
        [False, start, end],
    )
    reviews = _fetch(
        f"""SELECT store_id, COUNT(*) AS reviews, AVG(rating * 1.0) AS rating FROM {rev}
            WHERE hidden = %s AND created_at >= %s AND created_at < %s GROUP BY store_id""",
        [False, start, end],
    )
    seconds = _seconds("first_response_at", "created_at")
    conversations = _fetch(
        f"""SELECT store_id, COUNT(*) AS conversations,
            SUM(CASE WHEN first_response_at IS NOT NULL THEN 1 ELSE 0 END) AS answered,
            AVG(CASE WHEN first_response_at IS NOT NULL THEN {seconds} END) AS response_seconds
            FROM {conv} WHERE created_at >= %s AND created_at < %s GROUP BY store_id""",
        [start, end],
    )
    sales = _fetch(
        f"""SELECT store_id, COUNT(*) AS buyers, SUM(n) AS sales,
            SUM(CASE WHEN n > 1 THEN 1 ELSE 0 END) AS repeat_buyers, SUM(refunds) AS refunds
            FROM (SELECT store_id, LOWER(email) AS buyer, COUNT(*) AS n,
                  SUM(CASE WHEN refunded_minor > 0 THEN 1 ELSE 0 END) AS refunds
                  FROM {order} WHERE paid_at IS NOT NULL AND paid_at >= %s AND paid_at < %s
                  GROUP BY store_id, LOWER(email)) AS per_buyer
            GROUP BY store_id""",
        [start, end],
    )
    # The answers app records deflections; its selector counts one store at a time, so the
    # same count is taken here for all stores at once.
    deflections = {
        row["store_id"]: row["n"]
        for row in Deflection.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("store_id")
        .annotate(n=models_count())
        .order_by()
    }
    figures: dict[int, dict[str, Any]] = {}
    for store_id in set(gigs) | set(reviews) | set(conversations) | set(sales):
        g, r = gigs.get(store_id, {}), reviews.get(store_id, {})
        c, s = conversations.get(store_id, {}), sales.get(store_id, {})
        closed = int(g.get("completed") or 0) + int(g.get("cancelled") or 0)
        closed += int(g.get("disputes") or 0)
        rs = c.get("response_seconds")
        figures[store_id] = {
            "orders": int(g.get("orders") or 0),
            "completed": int(g.get("completed") or 0),
            "cancelled": int(g.get("cancelled") or 0),
            "disputes": int(g.get("disputes") or 0),
            "on_time_rate": _ratio(g.get("on_time"), g.get("delivered")),
            "completion_rate": _ratio(g.get("completed"), closed),
            "revision_rate": _ratio(g.get("revised"), g.get("delivered")),
            "reviews": int(r.get("reviews") or 0),
            "rating": round(float(r["rating"]), 2) if r.get("rating") is not None else None,
            "conversations": int(c.get("conversations") or 0),
            "first_response_minutes": round(float(rs) / 60, 1) if rs is not None else None,
            "response_rate": _ratio(c.get("answered"), c.get("conversations")),
            "sales": int(s.get("sales") or 0),
            "repeat_rate": _ratio(s.get("repeat_buyers"), s.get("buyers")),
            "refund_rate": _ratio(s.get("refunds"), s.get("sales")),
            "conversations_per_sale": _ratio(c.get("conversations"), s.get("sales")),
            "deflections": int(deflections.get(store_id, 0)),
            "earnings_minor": int(g.get("earnings") or 0),
        }
    return figures


def models_count() -> Any:
    from django.db.models import Count

    return Count("id")


def categories() -> dict[int, str]:
    """Catalog has no categories: a seller's category is "service" when it lists services,
    else "product" (what it mostly sells is what its figures are compared with)."""
    found: dict[int, str] = {}
    rows = Product.objects.filter(visibility="published").values_list("store_id", "kind").distinct()
    for store_id, kind in rows:
        if kind == "service" or store_id not in found:
            found[store_id] = "service" if kind == "service" else "product"
    return found


def store_median_prices() -> dict[int, tuple[str, float]]:
    """Each seller's currency and median package price over its published services (in the
    currency most of its packages use: a price is only compared within one currency)."""
    prices: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    rows = ServicePackage.objects.filter(product__visibility="published").values_list(
        "store_id", "currency", "price_minor"
    )
    for store_id, currency, price in rows.iterator(chunk_size=5000):
        prices[store_id][currency].append(price)
    found: dict[int, tuple[str, float]] = {}
    for store_id, by_currency in prices.items():
        currency, values = max(by_currency.items(), key=lambda item: len(item[1]))
        found[store_id] = (currency, float(statistics.median(values)))
    return found


# --------------------------------------------------------------------------- judging

# code: (higher is better, good when at least/most, bad when below/above)
RULES: dict[str, tuple[bool, float, float]] = {
    "rating": (True, 4.5, 4.0),
    "on_time_rate": (True, 0.9, 0.8),
    "completion_rate": (True, 0.9, 0.8),
    "response_rate": (True, 0.9, 0.7),
    "repeat_rate": (True, 0.2, -1.0),
    "revision_rate": (False, 0.2, 0.4),
    "first_response_minutes": (False, 60, 240),
    "refund_rate": (False, 0.02, 0.1),
    "conversations_per_sale": (False, 0.2, 0.5),
}

# Weak point → suggestion, in the order they are offered.
SUGGESTION_RULES: list[tuple[str, tuple[str, ...]]] = [
    ("canned_replies", ("first_response_minutes", "response_rate")),
    ("requirements_form", ("revision_rate",)),
    ("delivery_days", ("on_time_rate",)),
    ("scope", ("completion_rate", "disputes")),
    ("descriptions", ("refund_rate",)),
    ("faq", ("conversations_per_sale",)),
]
FILLERS = ("pricing_guidance", "faq")

GUIDE_SLUGS: dict[str, str] = {
    "canned_replies": "guide-canned-replies",
    "requirements_form": "guide-requirements-form",
    "delivery_days": "guide-delivery-days",
    "scope": "guide-agree-scope",
    "descriptions": "guide-descriptions",
    "faq": "guide-faq",
    "pricing_guidance": "guide-pricing",
}


def ensure_guides(store: Store) -> int:
    """Create the sellers' guides missing from `store`'s knowledge base, each language
    linked as a translation of the others; the number of articles created."""
    from dukkan.knowledge import services as knowledge
    from dukkan.knowledge.models import Article
    from dukkan.reportcards.guides import GUIDES

    created = 0
    for code, texts in GUIDES.items():
        slug = GUIDE_SLUGS[code]
        existing = {a.language: a for a in Article.objects.filter(store=store, slug=slug)}
        base = existing.get("en") or next(iter(existing.values()), None)
        for language, (title, body) in texts.items():
            if language in existing:
                continue
            made = knowledge.create_article(
                store, title=title, body=body, language=language, slug=slug, translation_of=base
            )
            base = base or made
            created += 1
    return created


def judge(
    figures: dict[str, Any],
    medians: dict[str, float],
    price: float | None,
    price_median: float | None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    positives: list[dict[str, Any]] = []
    negatives: list[dict[str, Any]] = []
    for code, (higher, good, bad) in RULES.items():
        value = figures.get(code)
        if value is None:
            continue
        item = {"code": code, "value": value, "median": medians.get(code)}
        if (value >= good) if higher else (value <= good):
            positives.append(item)
        elif (value < bad) if higher else (value > bad):
            negatives.append(item)
    if figures.get("disputes"):
        negatives.append({"code": "disputes", "value": figures["disputes"], "median": None})
    weak = {n["code"] for n in negatives}
    suggestions = [code for code, causes in SUGGESTION_RULES if weak & set(causes)]
    # Good work sold below the category's median price: show the pricing guidance first.
    rating = figures.get("rating")
    if rating is not None and rating >= 4.5 and price is not None and price_median is not None:
        cheap = price < price_median
        if cheap:
            suggestions.insert(0, "pricing_guidance")
    for filler in FILLERS:
        if len(suggestions) >= 2:
            break
        if filler not in suggestions:
            suggestions.append(filler)
    return positives, negatives, suggestions[:4]


def evaluate_level(
    figures: dict[str, Any], table: dict[str, LevelThreshold]
) -> tuple[str, list[dict[str, Any]]]:
    """The highest level whose thresholds (and every lower level's) the figures meet, and
    what is missing for the next level (the reasons shown to the seller)."""
    measured = {
        "min_orders": figures.get("completed") or 0,
        "min_rating_x100": round((figures.get("rating") or 0) * 100),
        "min_on_time_pct": round((figures.get("on_time_rate") or 0) * 100),
        "min_completion_pct": round((figures.get("completion_rate") or 0) * 100),
    }
    reached: str = Level.NEW
    missing: list[dict[str, Any]] = []
    for level in LEVEL_ORDER[1:]:
        row = table[level]
        short = [
            {"code": key, "value": measured[key], "need": getattr(row, key), "level": level}
            for key in REQUIREMENTS
            if measured[key] < getattr(row, key)
        ]
        if short:
            missing = short
            break
        reached = level
    return reached, missing


# --------------------------------------------------------------------------- the job


# A claimed card not finished within this long belongs to a worker that crashed (a run for
# 10,000 sellers takes about two minutes): the next run takes it over.
CLAIM_LEASE = timedelta(minutes=30)


def claim(period: date, window_days: int, now: datetime | None = None) -> list[int]:
    """Insert this period's card rows; the ids of the stores this caller claimed.

    ON CONFLICT DO NOTHING makes the insert the lock: a second worker inserting at the same
    time gets back only rows nobody had, so every (store, period) is computed once. The
    row's `claimed_at` is the claim's token (see `run_report_cards`).
    """
    table = ReportCard._meta.db_table
    store_table = Store._meta.db_table
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {table} (store_id, period, status, window_days, language, category,
                metrics, medians, positives, negatives, suggestions, level, previous_level,
                level_reasons, emailed, claimed_at)
                SELECT id, %s, %s, %s, default_language, '', '{{}}', '{{}}', '[]', '[]', '[]',
                       '', '', '[]', %s, %s
                FROM {store_table} WHERE is_active = %s
                ON CONFLICT (store_id, period) DO NOTHING RETURNING store_id""",
            # Adapted as the ORM adapts it, so `claimed_at=token` finds these rows (SQLite
            # stores datetimes as text).
            [
                period,
                CardStatus.CLAIMED,
                window_days,
                False,
                connection.ops.adapt_datetimefield_value(now),
                True,
            ],
        )
        return [row[0] for row in cursor.fetchall()]


def reclaim(period: date, now: datetime, lease: timedelta = CLAIM_LEASE) -> list[int]:
    """Take over this period's cards claimed before `now - lease` and never finished; the
    ids of the stores taken.

    The UPDATE is the lock: two workers updating the same stale row at once are serialised
    on it, and the second re-reads it, finds `claimed_at` fresh and skips it; RETURNING
    gives each worker exactly the rows its own UPDATE changed. `claimed_at` becomes this
    worker's token.
    """
    table = ReportCard._meta.db_table
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {table} SET claimed_at = %s
                WHERE period = %s AND status = %s AND claimed_at < %s RETURNING store_id""",
            [adapt(now), period, CardStatus.CLAIMED, adapt(now - lease)],
        )
        return [row[0] for row in cursor.fetchall()]


@dataclass(frozen=True)
class RunResult:
    period: date
    claimed: int
    promoted: int
    demoted: int


def stale_periods(now: datetime | None = None, lease: timedelta = CLAIM_LEASE) -> list[date]:
    """Periods with cards a crashed worker left claimed for longer than the lease."""
    cutoff = (now or timezone.now()) - lease
    return sorted(
        ReportCard.objects.filter(status=CardStatus.CLAIMED, claimed_at__lt=cutoff)
        .order_by("period")
        .values_list("period", flat=True)
        .distinct()
    )


def run_report_cards(period: date, *, email: bool = True, claim_new: bool = True) -> RunResult:
    """Compute the report cards of `period` for the stores this worker claims (new ones
    unless `claim_new` is false, and any a crashed worker left claimed past the lease)."""
    conf = settings_row()
    token = timezone.now()
    claimed = claim(period, conf.window_days, token) if claim_new else []
    claimed += [i for i in reclaim(period, token) if i not in set(claimed)]
    if not claimed:
        return RunResult(period, 0, 0, 0)
    figures = compute_figures(period, conf.window_days)
    category_of = categories()
    prices: dict[int, tuple[str, float | None]] = {**store_median_prices()}
    by_category: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for store_id, f in figures.items():
        cat = category_of.get(store_id, "product")
        for code in RULES:
            if f.get(code) is not None:
                by_category[cat][code].append(f[code])
    medians = {
        cat: {code: round(statistics.median(v), 4) for code, v in codes.items()}
        for cat, codes in by_category.items()
    }
    # Price medians per category and currency: rials and riyals are not compared.
    price_lists: dict[tuple[str, str], list[float]] = defaultdict(list)
    for store_id, (currency, price) in prices.items():
        if price is not None:
            price_lists[(category_of.get(store_id, "service"), currency)].append(price)
    price_medians = {key: statistics.median(v) for key, v in price_lists.items()}
    table = thresholds()
    current = dict(StoreLevel.objects.filter(store_id__in=claimed).values_list("store_id", "level"))
    cards = {c.store_id: c for c in ReportCard.objects.filter(period=period, store_id__in=claimed)}
    now = timezone.now()
    levels: dict[int, StoreLevel] = {}
    changes: dict[int, int] = {}  # store → +1 promoted, -1 demoted
    empty: dict[str, Any] = {}
    for store_id in claimed:
        card = cards[store_id]
        f = figures.get(store_id) or compute_empty()
        cat = category_of.get(store_id, "product")
        currency, price = prices.get(store_id, ("", None))
        pos, neg, sug = judge(f, medians.get(cat, empty), price, price_medians.get((cat, currency)))
        level, missing = evaluate_level(f, table)
        before = current.get(store_id, Level.NEW)
        card.category, card.metrics, card.medians = cat, f, medians.get(cat, empty)
        card.positives, card.negatives, card.suggestions = pos, neg, sug
        card.level, card.previous_level, card.level_reasons = level, before, missing
        if level != before:
            failed = evaluate_failures(f, table[before]) if _rank(level) < _rank(before) else []
            card.level_reasons = failed or missing
            changes[store_id] = 1 if _rank(level) > _rank(before) else -1
            levels[store_id] = StoreLevel(store_id=store_id, level=level, since=period)
        card.status, card.computed_at = CardStatus.DONE, now
    with transaction.atomic():
        # Only the cards still claimed with this run's token are written: a card this run
        # took too long over may have been taken over (and finished) by another worker.
        mine = set(
            ReportCard.objects.select_for_update()
            .filter(period=period, status=CardStatus.CLAIMED, claimed_at=token)
            .values_list("store_id", flat=True)
        )
        cards = {k: v for k, v in cards.items() if k in mine}
        changed = [row for k, row in levels.items() if k in mine]
        ReportCard.objects.bulk_update(
            cards.values(),
            ["category", "metrics", "medians", "positives", "negatives", "suggestions", "level",
             "previous_level", "level_reasons", "status", "computed_at"],
            batch_size=500,
        )  # fmt: skip
        StoreLevel.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["store"],
            update_fields=["level", "since"],
            batch_size=1000,
        )
    from dukkan.reportcards.selectors import level_cache_key

    cache.delete_many([level_cache_key(row.store_id) for row in changed])
    if email:
        for card in cards.values():
            send_card_email(card)
    promoted = sum(1 for k in mine if changes.get(k) == 1)
    demoted = sum(1 for k in mine if changes.get(k) == -1)
    return RunResult(period, len(cards), promoted, demoted)


def compute_empty() -> dict[str, Any]:
    return {
        "orders": 0, "completed": 0, "cancelled": 0, "disputes": 0, "on_time_rate": None,
        "completion_rate": None, "revision_rate": None, "reviews": 0, "rating": None,
        "conversations": 0, "first_response_minutes": None, "response_rate": None, "sales": 0,
        "repeat_rate": None, "refund_rate": None, "conversations_per_sale": None,
        "deflections": 0, "earnings_minor": 0,
    }  # fmt: skip


def evaluate_failures(figures: dict[str, Any], row: LevelThreshold) -> list[dict[str, Any]]:
    _, missing = evaluate_level(figures, dict.fromkeys(LEVEL_ORDER, row))
    return missing


def _rank(level: str) -> int:
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else 0


def send_card_email(card: ReportCard) -> None:
    """The card by email to the store's owners, in the store's language."""
    from dukkan.reportcards.selectors import card_view

    store = Store.objects.get(pk=card.store_id)
    owners = list(
        Membership.objects.filter(store=store, role=Role.OWNER).values_list(
            "user__email", flat=True
        )
    )
    owners = [o for o in owners if o]
    if not owners:
        return
    with translation.override(card.language or store.default_language):
        context = card_view(card)
        # Links in a mail need the site's address.
        base = django_settings.DUKKAN_BASE_URL.rstrip("/")
        for item in context["suggestions"]:
            item["url"] = base + item["url"] if item["url"] else ""
        subject = _("Your report card for %(period)s") % {"period": context["period_label"]}
        text = render_to_string("reportcards/email.txt", context)
    send_mail(subject, text, None, owners)
    ReportCard.objects.filter(pk=card.pk).update(emailed=True)


def due_period(today: date) -> date | None:
    """This month's period once its report-card day has come and until its cards exist: a
    worker that was down on the day catches up on the next day it runs."""
    period = today.replace(day=settings_row().report_day)
    if today < period or ReportCard.objects.filter(period=period).exists():
        return None
    return period


# --------------------------------------------------------------------------- bonuses


def bonus_score(f: dict[str, Any]) -> float:
    """Transparent score out of 100: rating 40, on time 30, completion 20, volume 10."""
    return round(
        (f.get("rating") or 0) / 5 * 40
        + (f.get("on_time_rate") or 0) * 30
        + (f.get("completion_rate") or 0) * 20
        + min(f.get("completed") or 0, 50) / 50 * 10,
        2,
    )


def _language() -> str:
    return (translation.get_language() or "en").split("-")[0]


def create_bonus_round(
    *, name: str, period: date, currency: str, pool_minor: int, winners: int, by: User | None
) -> BonusRound:
    """Reward the `winners` best sellers of `period`'s cards; all or nothing."""
    if not name.strip():
        raise ValidationError(_("Give the bonus round a name."))
    if pool_minor <= 0 or winners <= 0:
        raise ValidationError(_("The pool and the number of sellers must be more than zero."))
    if pool_minor // winners <= 0:
        raise ValidationError(_("The pool is too small to give every winner something."))
    conf = settings_row()
    this_year = BonusRound.objects.filter(created_at__year=timezone.now().year).count()
    if this_year >= conf.bonus_rounds_per_year:
        raise ValidationError(
            _("This year's bonus rounds (%(count)s) have all been held.")
            % {"count": conf.bonus_rounds_per_year}
        )
    validate_currency(currency)
    available = platform_balance(currency)
    if pool_minor > available:
        raise ValidationError(
            _("The pool (%(pool)s) is larger than the platform's balance (%(balance)s).")
            % {
                "pool": format_money(pool_minor, currency, _language()),
                "balance": format_money(max(available, 0), currency, _language()),
            }
        )
    cards = list(
        ReportCard.objects.filter(
            period=period, status=CardStatus.DONE, store__currency=currency
        ).select_related("store")
    )
    ranked = sorted(
        ((bonus_score(c.metrics), c) for c in cards if (c.metrics.get("completed") or 0) > 0),
        key=lambda pair: (-pair[0], pair[1].store_id),
    )[:winners]
    if not ranked:
        raise ValidationError(_("No seller has completed orders in this period."))
    share, rest = divmod(pool_minor, len(ranked))
    with transaction.atomic():
        bonus_round = BonusRound.objects.create(
            name=name.strip(), period=period, currency=currency, pool_minor=pool_minor,
            winners=len(ranked), by=by,
        )  # fmt: skip
        for rank, (score, card) in enumerate(ranked, start=1):
            amount = share + (rest if rank == 1 else 0)
            with translation.override(card.store.default_language):
                message = _(
                    "%(round)s: you ranked %(rank)s with a score of %(score)s out of 100 "
                    "(rating 40, on-time delivery 30, completion 20, completed orders 10)."
                ) % {
                    "round": bonus_round.name,
                    "rank": format_decimal_locale(rank, card.store.default_language),
                    "score": format_decimal_locale(score, card.store.default_language),
                }
            entry = gig_services.record_bonus(card.store, amount, currency, message, by)
            BonusAward.objects.create(
                store=card.store, round=bonus_round, score=score, rank=rank,
                amount_minor=amount, ledger_entry_id=entry.pk, message=message,
            )  # fmt: skip
    return bonus_round
