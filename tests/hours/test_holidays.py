"""Holidays as owners write them (Jalali or Gregorian, once or every year), bad input first,
and the hours page."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from dukkan.hours import selectors, services
from dukkan.hours.models import Holiday
from tests.conftest import PASSWORD


def test_a_day_that_does_not_exist_is_refused_and_nothing_is_saved(make_store: Any) -> None:
    store = make_store()
    with pytest.raises(ValidationError, match="does not exist"):
        services.add_holiday(store, name="Bad", calendar="jalali", month=7, day=31)  # Mehr has 30
    with pytest.raises(ValidationError, match="does not exist"):
        services.add_holiday(store, name="Bad", calendar="gregorian", month=2, day=30)
    with pytest.raises(ValidationError, match="name"):
        services.add_holiday(store, name="  ", calendar="gregorian", month=1, day=1)
    assert not Holiday.objects.exists()


def test_nowruz_every_year_in_jalali_becomes_gregorian_days(make_store: Any) -> None:
    store = make_store(time_zone="Asia/Tehran")
    services.add_holiday(store, name="نوروز", calendar="jalali", month=1, day=1, length=4)
    services.add_holiday(store, name="Once", calendar="gregorian", year=2026, month=12, day=31)
    days = selectors.holiday_dates(store, date(2026, 1, 1), date(2027, 12, 31))
    assert {date(2026, 3, 21), date(2026, 3, 24), date(2027, 3, 21), date(2026, 12, 31)} <= days
    assert date(2026, 3, 25) not in days
    assert date(2027, 12, 31) not in days


def test_the_owner_sets_a_weekend_and_adds_a_holiday_on_the_page(
    make_store: Any, make_user: Any
) -> None:
    owner = make_user()
    store = make_store(owner=owner, time_zone="Asia/Riyadh")
    client = Client()
    client.login(email=owner.email, password=PASSWORD)
    url = f"/en/dashboard/{store.slug}/hours/"
    assert client.get(url).status_code == 200
    hours = {f"hours-opens_{d}": "09:00" for d in range(1, 8)} | {
        f"hours-closes_{d}": "17:00" for d in range(1, 8)
    }
    bad = client.post(url, {"weekend": "fri", **hours, "hours-closes_1": "08:00"})
    assert bad.status_code == 400
    assert client.post(url, {"weekend": "fri", **hours}).status_code == 302
    store.refresh_from_db()
    assert store.weekend_days == [5]
    assert store.business_hours["5"] == []
    wrong = client.post(
        f"{url}holidays/", {"name": "X", "calendar": "jalali", "month": 12, "day": 31, "length": 1}
    )
    assert wrong.status_code == 400
    assert b"does not exist" in wrong.content
    ok = client.post(
        f"{url}holidays/",
        {"name": "Eid", "calendar": "gregorian", "month": 3, "day": 20, "length": 3},
    )
    assert ok.status_code == 302
    assert Holiday.objects.filter(store=store, name="Eid").exists()
