"""The report-card job on a seeded month: figures, judgements, suggestions and levels,
checked against values computed by hand in the comments."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from itertools import count
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext

from dukkan.catalog.models import Product
from dukkan.checkout.models import Order
from dukkan.core.money import format_money
from dukkan.gigs.models import GigOrder, LedgerEntry, ServicePackage
from dukkan.reportcards import selectors, services
from dukkan.reportcards.models import BonusAward, BonusRound, Level, ReportCard, StoreLevel
from dukkan.reportcards.tasks import resume_report_cards
from dukkan.reviews.models import Review
from dukkan.support.models import Conversation, Visitor

PERIOD = date(2026, 3, 1)
T0 = datetime(2026, 2, 2, 10, 0, tzinfo=UTC)  # inside the 60-day window before PERIOD
_n = count(1)


def service(store: Any, prices: tuple[int, int]) -> Product:
    product = Product.objects.create(
        store=store, kind="service", title=f"S{next(_n)}", slug=f"s{next(_n)}",
        visibility="published", price_minor=prices[0],
    )  # fmt: skip
    for tier, price in zip(("basic", "standard"), prices, strict=True):
        ServicePackage.objects.create(
            store=store, product=product, tier=tier, title=tier, price_minor=price,
            currency=store.currency, delivery_days=3,
        )  # fmt: skip
    return product


def gig(store: Any, product: Product, email: str, *, status: str = "completed",
        delivered: bool = True, late: bool = False, revisions: int = 0, refunded: int = 0,
        dispute: bool = False) -> GigOrder:  # fmt: skip
    n = next(_n)
    order = Order.objects.create(
        store=store, number=f"N{n}", email=email, currency=store.currency, provider="test",
        total_minor=2000, subtotal_minor=2000, status="paid", paid_at=T0, refunded_minor=refunded,
    )  # fmt: skip
    made = GigOrder.objects.create(
        store=store, product=product, tier="standard", title="t", checkout_order=order,
        buyer_email=email, price_minor=2000, commission_minor=400, currency=store.currency,
        delivery_days=3, revisions_allowed=2, revisions_used=revisions, status=status,
        refunded_minor=refunded,
        delivered_at=T0 + timedelta(days=2) if delivered else None, is_late=late,
        dispute_reason="late and wrong" if dispute else "",
    )  # fmt: skip
    GigOrder.objects.filter(pk=made.pk).update(created_at=T0)
    return made


def review(store: Any, order: GigOrder, rating: int) -> None:
    made = Review.objects.create(
        store=store, product=order.product, gig_order=order,
        checkout_order=order.checkout_order, rating=rating,
    )  # fmt: skip
    Review.objects.filter(pk=made.pk).update(created_at=T0 + timedelta(days=3))


def conversation(store: Any, minutes: int | None) -> None:
    visitor = Visitor.objects.create(store=store)
    made = Conversation.objects.create(store=store, visitor=visitor)
    first = T0 + timedelta(minutes=minutes) if minutes is not None else None
    Conversation.objects.filter(pk=made.pk).update(created_at=T0, first_response_at=first)


@pytest.fixture
def month(make_store: Any) -> dict[str, Any]:
    """Seller A (Arabic): 10 orders, mixed; seller B (English): 25 clean orders."""
    a = make_store(default_language="ar")
    b = make_store(default_language="en")
    pa, pb = service(a, (1000, 2000)), service(b, (5000, 9000))
    emails = ["b1", "b1", "b1", "b2", "b2", "b3", "b4", "b5", "b6", "b7"]  # 7 buyers, 2 repeat
    specs: list[dict[str, Any]] = [
        {"late": True, "revisions": 1}, {"late": True, "revisions": 1}, {"late": True, "revisions": 1},
        {"revisions": 1}, {"refunded": 500}, {}, {}, {},  # 8 completed
        {"status": "cancelled", "delivered": False},
        {"status": "disputed", "revisions": 1, "dispute": True},
    ]  # fmt: skip
    orders_a = [gig(a, pa, f"{e}@x.test", **s) for e, s in zip(emails, specs, strict=True)]
    for o, r in zip(orders_a[:4], (5, 5, 4, 5), strict=True):
        review(a, o, r)
    for minutes in (30, 60, 90, None):
        conversation(a, minutes)
    orders_b = [gig(b, pb, f"c{i}@x.test") for i in range(25)]
    for o in orders_b[:5]:
        review(b, o, 5)
    StoreLevel.objects.create(store=a, level=Level.LEVEL_1)
    StoreLevel.objects.create(store=b, level=Level.LEVEL_1)
    return {"a": a, "b": b}


def test_figures_judgements_suggestions_and_levels(month: dict[str, Any]) -> None:
    a, b = month["a"], month["b"]
    result = services.run_report_cards(PERIOD)
    assert result.claimed == 2
    assert result.promoted == 1
    assert result.demoted == 1
    card = ReportCard.objects.get(store=a, period=PERIOD)
    m = card.metrics
    # 10 orders: 8 completed, 1 cancelled, 1 disputed; 9 delivered, 3 of them late,
    # 5 of them revised; earnings 8 × (2000 − 400) − 500 refunded.
    assert (m["orders"], m["completed"], m["cancelled"], m["disputes"]) == (10, 8, 1, 1)
    assert m["on_time_rate"] == round(6 / 9, 4)
    assert m["revision_rate"] == round(5 / 9, 4)
    assert m["completion_rate"] == 0.8
    assert m["earnings_minor"] == 8 * 1600 - 500
    assert m["rating"] == 4.75
    assert m["reviews"] == 4
    # Answered in 30, 60 and 90 minutes (average 60); one of four unanswered.
    assert m["first_response_minutes"] == 60.0
    assert m["response_rate"] == 0.75
    assert m["repeat_rate"] == round(2 / 7, 4)
    assert m["refund_rate"] == 0.1
    assert m["conversations_per_sale"] == 0.4
    assert card.category == "service"
    assert card.medians["rating"] == 4.875
    assert {p["code"] for p in card.positives} == {
        "rating",
        "first_response_minutes",
        "repeat_rate",
    }
    assert {n["code"] for n in card.negatives} == {"on_time_rate", "revision_rate", "disputes"}
    # Good rating, but A's median price 1500 is under the category's 4250 (of 1500 and 7000).
    assert card.suggestions == ["pricing_guidance", "requirements_form", "delivery_days", "scope"]
    # Demoted from level 1: on-time delivery 67% < 80%.
    assert (card.previous_level, card.level) == (Level.LEVEL_1, Level.NEW)
    assert card.level_reasons == [
        {"code": "min_on_time_pct", "value": 67, "need": 80, "level": "level_1"}
    ]
    card_b = ReportCard.objects.get(store=b, period=PERIOD)
    assert card_b.metrics["completed"] == 25
    assert card_b.metrics["rating"] == 5.0
    assert {p["code"] for p in card_b.positives} == {
        "rating", "on_time_rate", "completion_rate", "revision_rate", "refund_rate",
        "conversations_per_sale",
    }  # fmt: skip
    assert card_b.negatives == []
    assert card_b.suggestions == ["pricing_guidance", "faq"]
    assert (card_b.previous_level, card_b.level) == (Level.LEVEL_1, Level.LEVEL_2)
    assert card_b.level_reasons == [{"code": "min_orders", "value": 25, "need": 50, "level": "top"}]
    assert selectors.level_benefits(b.pk)["max_active_services"] == 20
    assert selectors.level_benefits(a.pk)["clearing_days"] == 14
    # Each owner got the card by email in the store's language.
    assert len(mail.outbox) == 2
    from dukkan.accounts.models import Membership

    owner = Membership.objects.get(store=a).user.email
    to_a = next(m for m in mail.outbox if owner in m.to)
    from dukkan.core.templatetags.dukkan import ldate

    with translation.override("ar"):
        assert ldate(date(2026, 3, 1), "long") in to_a.subject  # the card's day, in Arabic
    assert "2026" in to_a.subject
    # In the store's language (Arabic), whatever the catalogs hold right now.
    with translation.override("ar"):
        assert f"{gettext('Repeat buyers')}: 29%" in to_a.body


def test_second_run_of_a_period_computes_nothing(month: dict[str, Any]) -> None:
    assert services.run_report_cards(PERIOD).claimed == 2
    assert services.run_report_cards(PERIOD).claimed == 0
    assert ReportCard.objects.filter(period=PERIOD).count() == 2
    assert len(mail.outbox) == 2


def _two_workers_run() -> list[int]:
    """Two workers start the period's run at the same moment; what each one claimed."""
    barrier = threading.Barrier(2)
    results: list[int] = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(services.run_report_cards(PERIOD, email=False).claimed)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_workers_claim_each_card_once(make_store: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent claims need PostgreSQL (SQLite serialises writers)")
    stores = [make_store() for _ in range(30)]
    results = _two_workers_run()
    total = ReportCard.objects.filter(period=PERIOD).count()
    assert total >= len(stores)
    assert sum(results) == total
    assert not ReportCard.objects.filter(period=PERIOD, status="claimed").exists()


def test_overlapping_thresholds_are_refused_and_nothing_changes(db: None) -> None:
    before = {t.level: t.min_orders for t in services.thresholds().values()}
    values = {lv: dict(services.DEFAULT_THRESHOLDS[lv]) for lv in services.DEFAULT_THRESHOLDS}
    values[Level.LEVEL_2]["min_on_time_pct"] = 70  # below level 1's 80
    values[Level.NEW]["min_orders"] = 99  # would be written first if the check came later
    with pytest.raises(ValidationError, match="overlap"):
        services.save_thresholds(values)
    assert {t.level: t.min_orders for t in services.thresholds().values()} == before
    same = {lv: dict(services.DEFAULT_THRESHOLDS[Level.LEVEL_1]) for lv in values}
    with pytest.raises(ValidationError, match="overlap"):
        services.save_thresholds(same)


def test_bonus_pool_larger_than_platform_balance_is_refused(month: dict[str, Any]) -> None:
    services.run_report_cards(PERIOD, email=False)
    b = month["b"]
    LedgerEntry.objects.create(store=b, kind="commission", amount_minor=-3000, currency=b.currency)
    with pytest.raises(ValidationError, match="larger than the platform"):
        services.create_bonus_round(
            name="Spring", period=PERIOD, currency=b.currency, pool_minor=3001, winners=2, by=None
        )
    assert not LedgerEntry.objects.filter(kind="bonus").exists()
    assert not BonusRound.objects.exists()
    assert not BonusAward.objects.exists()
    # The refusal names both amounts as money, not minor units.
    with pytest.raises(ValidationError) as refused:
        services.create_bonus_round(
            name="Spring", period=PERIOD, currency=b.currency, pool_minor=3001, winners=2, by=None
        )
    assert format_money(3000, b.currency, "en") in refused.value.messages[0]
    bonus = services.create_bonus_round(
        name="Spring", period=PERIOD, currency=b.currency, pool_minor=3000, winners=1, by=None
    )
    award = bonus.awards.get()
    # B: 5.0 → 40, on time 1.0 → 30, completion 1.0 → 20, 25 of 50 orders → 5: 95.
    assert award.store_id == b.pk
    assert award.score == 95.0
    assert award.amount_minor == 3000
    assert LedgerEntry.objects.get(kind="bonus").amount_minor == 3000


def test_pricing_quartiles(make_store: Any) -> None:
    s1, s2 = make_store(), make_store()
    for i, price in enumerate((1000, 2000, 3000, 4000, 5000)):
        service(s1 if i < 2 else s2, (price, price * 2))
    guide = selectors.pricing_guidance(s1.pk)
    basic = next(t for t in guide["tiers"] if t["tier"] == "basic")
    # Inclusive quartiles of 1000..5000: 2000, 3000, 4000; s1's median basic is 1500 (low).
    assert (basic["q1"], basic["median"], basic["q3"]) == (2000, 3000, 4000)
    assert basic["mine"] == 1500
    assert basic["position"] == "low"


def _crashed(stores: int, make_store: Any, minutes_ago: int) -> list[Any]:
    """Stores whose cards of PERIOD a worker claimed `minutes_ago` and then died."""
    made = [make_store() for _ in range(stores)]
    then = timezone.now() - timedelta(minutes=minutes_ago)
    assert len(services.claim(PERIOD, 60, then)) >= stores
    return made


def test_cards_of_a_crashed_worker_are_taken_over_after_the_lease(make_store: Any) -> None:
    stores = _crashed(3, make_store, minutes_ago=5)
    # Claimed 5 minutes ago: that worker may still be computing; nothing is taken.
    assert services.run_report_cards(PERIOD, email=False).claimed == 0
    assert ReportCard.objects.filter(period=PERIOD, status="claimed").count() >= 3
    assert services.stale_periods() == []
    stale = timezone.now() - services.CLAIM_LEASE - timedelta(minutes=1)
    ReportCard.objects.filter(period=PERIOD).update(claimed_at=stale)
    assert services.stale_periods() == [PERIOD]
    late = make_store()  # joined after the report-card day: the resume claims no new card
    resume_report_cards.call()
    assert not ReportCard.objects.filter(store=late).exists()
    assert services.stale_periods() == []
    assert ReportCard.objects.filter(store__in=stores, status="done").count() == 3
    ReportCard.objects.filter(period=PERIOD).update(status="claimed", claimed_at=stale)
    result = services.run_report_cards(PERIOD, email=False)
    assert result.claimed == ReportCard.objects.filter(period=PERIOD).count()
    assert not ReportCard.objects.filter(period=PERIOD, status="claimed").exists()
    assert ReportCard.objects.filter(store__in=stores, status="done").count() == 3
    assert services.run_report_cards(PERIOD, email=False).claimed == 0
    assert len(mail.outbox) == 3  # mailed by the hourly resume, which took them over


def test_a_worker_whose_cards_were_taken_over_writes_nothing(make_store: Any) -> None:
    store = make_store()
    stale = timezone.now() - services.CLAIM_LEASE - timedelta(minutes=1)
    services.claim(PERIOD, 60, stale)
    # Another worker took the card over (its token is newer) while the slow one computed.
    assert services.reclaim(PERIOD, timezone.now()) == [store.pk]
    assert services.reclaim(PERIOD, timezone.now()) == []
    assert services.run_report_cards(PERIOD, email=False).claimed == 0
    assert ReportCard.objects.get(store=store, period=PERIOD).status == "claimed"


@pytest.mark.django_db(transaction=True)
def test_two_workers_take_over_crashed_cards_once(make_store: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent claims need PostgreSQL (SQLite serialises writers)")
    _crashed(20, make_store, minutes_ago=31 + int(services.CLAIM_LEASE.total_seconds() // 60))
    total = ReportCard.objects.filter(period=PERIOD).count()
    results = _two_workers_run()
    assert sum(results) == total
    assert ReportCard.objects.filter(period=PERIOD, status="done").count() == total


def test_a_missed_report_card_day_is_caught_up_once(month: dict[str, Any]) -> None:
    conf = services.settings_row()
    conf.report_day = 5
    conf.save()
    assert services.due_period(date(2026, 3, 4)) is None
    assert services.due_period(date(2026, 3, 5)) == date(2026, 3, 5)
    # The worker was down on the 5th: the 9th catches up.
    assert services.due_period(date(2026, 3, 9)) == date(2026, 3, 5)
    services.run_report_cards(date(2026, 3, 5), email=False)
    assert services.due_period(date(2026, 3, 10)) is None


def test_the_operator_types_the_bonus_pool_like_a_price(
    month: dict[str, Any], client: Any, make_user: Any
) -> None:
    services.run_report_cards(PERIOD, email=False)
    b = month["b"]
    LedgerEntry.objects.create(store=b, kind="commission", amount_minor=-3000, currency=b.currency)
    client.force_login(make_user(is_operator=True))
    page = client.get("/en/operator/report-cards/").content.decode()
    assert format_money(3000, b.currency, "en") in page  # what the platform holds, as money
    form = {"action": "bonus", "name": "Spring", "period": "2026-03-01", "winners": "1"}
    for currency, pool, says in (
        ("XYZ", "10", "Choose a currency"),
        (b.currency, "ten", "Enter an amount like 49"),
        (b.currency, "30.001", "at most 2 digits"),
        (b.currency, "30.01", "larger than the platform"),
    ):
        answer = client.post(
            "/en/operator/report-cards/", {**form, "currency": currency, "pool": pool}, follow=True
        )
        assert says in answer.content.decode()
        assert not BonusRound.objects.exists()
    client.post("/en/operator/report-cards/", {**form, "currency": b.currency, "pool": "30"})
    assert BonusRound.objects.get().pool_minor == 3000
