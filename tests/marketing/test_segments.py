"""Segments: each rule and their combination, checked against hand-made sets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dukkan.checkout.models import Order
from dukkan.marketing import services
from dukkan.marketing.segments import apply_rules

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(
    shop: Any,
    make_product: Callable[..., Any],
    buy: Callable[..., Any],
    subscribed: Callable[..., Any],
) -> dict[str, Any]:
    x = make_product(shop, "X", 10000)
    y = make_product(shop, "Y", 3000)
    people = {
        "ali": subscribed(shop, "ali@example.com", "ar"),  # X long ago
        "sara": subscribed(shop, "sara@example.com", "fa"),  # X and Y recently
        "john": subscribed(shop, "john@example.com", "en"),  # Y only
        "mona": subscribed(shop, "mona@example.com", "ar"),  # nothing
    }
    old = buy(shop, x, "ali@example.com")
    Order.objects.filter(pk=old.pk).update(paid_at=timezone.now() - timedelta(days=90))
    buy(shop, x, "sara@example.com")
    buy(shop, y, "sara@example.com")
    buy(shop, y, "john@example.com")
    # A pending (unconfirmed) buyer of X never appears in any segment.
    services.subscribe(shop, "pending@example.com", source="storefront", language="ar")
    buy(shop, x, "pending@example.com")
    return {"x": x, "y": y, **people}


def _emails(shop: Any, rules: list[dict[str, Any]]) -> set[str]:
    return {
        s.email.split("@")[0]
        for s in apply_rules(shop, services.save_segment(shop, name="t", rules=rules).rules)
    }


def test_each_rule(shop: Any, world: dict[str, Any]) -> None:
    x, y = world["x"].pk, world["y"].pk
    assert _emails(shop, []) == {"ali", "sara", "john", "mona"}
    assert _emails(shop, [{"type": "bought", "product": x}]) == {"ali", "sara"}
    assert _emails(shop, [{"type": "not_bought", "product": y}]) == {"ali", "mona"}
    assert _emails(shop, [{"type": "bought_within", "days": 30}]) == {"sara", "john"}
    total_x = world["x"].price_minor
    assert _emails(shop, [{"type": "spent_over", "amount_minor": total_x}]) == {"sara"}
    assert _emails(shop, [{"type": "spent_over", "amount_minor": 0}]) == {"ali", "sara", "john"}
    assert _emails(shop, [{"type": "language", "language": "ar"}]) == {"ali", "mona"}


def test_rules_combine_with_and(shop: Any, world: dict[str, Any]) -> None:
    x, y = world["x"].pk, world["y"].pk
    assert _emails(
        shop, [{"type": "bought", "product": x}, {"type": "not_bought", "product": y}]
    ) == {"ali"}
    assert _emails(
        shop, [{"type": "bought", "product": x}, {"type": "bought_within", "days": 30}]
    ) == {"sara"}
    assert (
        _emails(shop, [{"type": "language", "language": "en"}, {"type": "bought", "product": x}])
        == set()
    )


def test_refunds_count_against_spending(shop: Any, world: dict[str, Any]) -> None:
    order = Order.objects.get(store=shop, email="sara@example.com", lines__product=world["x"])
    Order.objects.filter(pk=order.pk).update(refunded_minor=order.total_minor, status="refunded")
    assert _emails(shop, [{"type": "bought", "product": world["x"].pk}]) == {"ali"}
    assert _emails(shop, [{"type": "spent_over", "amount_minor": 0}]) == {"ali", "sara", "john"}


def test_expiring_licence_rule(shop: Any, world: dict[str, Any]) -> None:
    from dukkan.licensing import services as licensing
    from dukkan.licensing.models import Duration

    x = world["x"]
    for email, days in (("ali@example.com", 10), ("sara@example.com", 60)):
        order = Order.objects.get(store=shop, email=email, lines__product=x)
        policy = licensing.save_policy(shop, x, duration=Duration.TERM, duration_days=days)
        licensing.issue_licence(policy, order=order)
        # The list links a subscriber to the contact that bought.
        subscriber = world[email.split("@")[0]]
        type(subscriber).objects.filter(pk=subscriber.pk).update(contact=order.contact)
    assert _emails(shop, [{"type": "licence_expiring", "days": 14}]) == {"ali"}
    assert _emails(shop, [{"type": "licence_expiring", "days": 90}]) == {"ali", "sara"}


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ([{"type": "bought", "product": 999999}], "Choose a product of this store."),
        ([{"type": "bought_within", "days": 0}], "Days must be a whole number"),
        ([{"type": "spent_over", "amount_minor": -1}], "The amount must be zero or more."),
        ([{"type": "language", "language": "de"}], "Choose a language."),
        ([{"type": "drop table"}], "Unknown segment rule"),
        ("nope", "The rules must be a list."),
    ],
)
def test_bad_rules_are_refused(shop: Any, rules: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        services.save_segment(shop, name="bad", rules=rules)
    assert not shop.marketing_segments.exists()


def test_another_stores_product_is_refused(
    shop: Any, make_store: Callable[..., Any], make_product: Callable[..., Any]
) -> None:
    other = make_product(make_store(), "Theirs")
    with pytest.raises(ValidationError):
        services.save_segment(shop, name="x", rules=[{"type": "bought", "product": other.pk}])


def test_editor_saves_rules_and_counts_live(
    owner_client: Any, shop: Any, world: dict[str, Any]
) -> None:
    data = {"name": "X buyers", "bought": world["x"].pk, "spent_over": "", "language": ""}
    count = owner_client.post(reverse("marketing:segment_count", args=[shop.slug]), data)
    assert count.status_code == 200
    assert "2" in count.content.decode()
    saved = owner_client.post(reverse("marketing:segment_new", args=[shop.slug]), data)
    assert saved.status_code == 302
    segment = shop.marketing_segments.get()
    assert segment.rules == [{"type": "bought", "product": world["x"].pk}]
    bad = owner_client.post(
        reverse("marketing:segment_new", args=[shop.slug]),
        {"name": "", "bought_within": "-3"},
    )
    assert bad.status_code == 400
    assert shop.marketing_segments.count() == 1
