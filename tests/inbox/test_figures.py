"""First response and resolution times per store: median and 90th percentile."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.translation import override

from dukkan.inbox.selectors import figures
from dukkan.inbox.templatetags.inbox import duration
from dukkan.support import services as support
from dukkan.support.models import Conversation
from tests.inbox.conftest import Shop

pytestmark = pytest.mark.django_db


def conversation(shop: Shop, answered_after: int | None, resolved_after: int | None) -> None:
    visitor = support.create_visitor(shop.store, name="x")
    started = support.start_conversation(visitor)
    asked = timezone.now() - timedelta(days=1)
    Conversation.objects.filter(pk=started.pk).update(
        first_visitor_message_at=asked,
        first_response_at=asked + timedelta(minutes=answered_after) if answered_after else None,
        resolved_at=asked + timedelta(minutes=resolved_after) if resolved_after else None,
    )


def test_median_and_p90_over_the_period(shop: Shop) -> None:
    for minutes in range(1, 11):  # answered after 1..10 minutes, resolved after 10x that
        conversation(shop, minutes, minutes * 10)
    conversation(shop, None, None)  # never answered
    result = figures(shop.store, days=30)
    assert result.conversations == 11
    assert result.resolved == 10
    assert result.first_response.count == 10
    assert result.first_response.median == timedelta(minutes=5.5)
    assert result.first_response.p90 == timedelta(minutes=9)
    assert result.resolution.median == timedelta(minutes=55)
    assert result.resolution.p90 == timedelta(minutes=90)
    empty = figures(shop.store, days=30, now=timezone.now() + timedelta(days=60))
    assert (empty.conversations, empty.first_response.median) == (0, None)


def test_durations_read_naturally_in_each_language() -> None:
    assert duration(timedelta(seconds=45)) == "45 seconds"
    assert duration(timedelta(minutes=90)) == "1 hour 30 minutes"
    assert duration(timedelta(days=3)) == "3 days"
    assert duration(None) == "—"
    with override("fa"):
        assert duration(timedelta(minutes=12)) == "۱۲ دقیقه"
    with override("ar"):
        assert duration(timedelta(minutes=2)) == "دقيقتان"
