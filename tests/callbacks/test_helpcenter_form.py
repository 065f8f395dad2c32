"""The help center's "Request a callback" page: bad input first, in the page's language;
CSRF-protected and never served from the help center's page cache; the success page gives the
deadline on the store's clock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from dukkan.callbacks.models import CallbackRequest, Source
from dukkan.hours.selectors import say_moment

RIYADH = ZoneInfo("Asia/Riyadh")


@pytest.fixture
def store(make_store: Any, make_user: Any) -> Any:
    store = make_store(
        owner=make_user(email="owner@help.example"), default_language="ar", time_zone="Asia/Riyadh"
    )
    store.weekend_days = [5]
    store.business_hours = {str(d): ([] if d == 5 else [["09:00", "17:00"]]) for d in range(1, 8)}
    store.save()
    return store


def _client(**extra: Any) -> Client:
    # A fresh address per client: the flood counter is per address.
    return Client(REMOTE_ADDR=f"10.{uuid4().int % 250}.{uuid4().int % 250}.7", **extra)


def _ar(message: str) -> str:
    with translation.override("ar"):
        return gettext(message)


def test_bad_numbers_and_windows_get_a_clear_arabic_message_and_nothing_is_saved(
    store: Any,
) -> None:
    client = _client()
    url = f"/ar/s/{store.slug}/help/callback/"
    bad_number = client.post(url, {"phone": "123", "topic": "استرجاع"})
    assert bad_number.status_code == 400
    assert _ar("This is not a valid phone number. Check the digits and the country code.") in (
        bad_number.content.decode()
    )
    today = timezone.now().astimezone(RIYADH).date()
    yesterday = today - timedelta(days=1)
    past = client.post(
        url,
        {"phone": "0501234567", "topic": "x", "day": yesterday, "start": "10:00", "end": "11:00"},
    )
    assert past.status_code == 400
    assert _ar("This time window is in the past. Choose a time from now on.") in (
        past.content.decode()
    )
    friday = today + timedelta(days=(4 - today.weekday()) % 7 or 7)
    closed = client.post(
        url,
        {"phone": "0501234567", "topic": "x", "day": friday, "start": "10:00", "end": "12:00"},
    )
    assert closed.status_code == 400
    open_next = _ar("We are not working at that time. We are open next %(when)s.")
    assert open_next.split("%(when)s")[0] in closed.content.decode()
    half = client.post(url, {"phone": "0501234567", "topic": "x", "start": "10:00"})
    assert half.status_code == 400
    assert _ar("Give the day and both times of the window, or leave all three empty.") in (
        half.content.decode()
    )
    # What was typed stays in the form.
    assert 'value="0501234567"' in half.content.decode()
    assert not CallbackRequest.objects.filter(store=store).exists()


def test_csrf_is_enforced_the_page_is_not_cached_and_success_states_the_deadline(
    store: Any,
) -> None:
    client = _client(enforce_csrf_checks=True)
    url = f"/ar/s/{store.slug}/help/callback/"
    home = client.get(f"/ar/s/{store.slug}/help/")
    assert url in home.content.decode()  # "Prefer a call? Request a callback"
    page = client.get(url)
    assert page.status_code == 200
    assert "ETag" not in page
    assert "no-cache" in page["Cache-Control"]
    token = page.cookies["csrftoken"].value
    other = _client().get(url)
    assert other.cookies["csrftoken"].value != token  # each visitor has their own token
    forged = client.post(url, {"phone": "0501234567", "topic": "Refund"})
    assert forged.status_code == 403
    done = client.post(
        url,
        {
            "phone": "050 123 4567",
            "topic": "Refund",
            "email": "customer@example.com",
            "csrfmiddlewaretoken": token,
        },
    )
    assert done.status_code == 201
    row = CallbackRequest.objects.get(store=store)
    assert (row.phone, row.source, row.language) == ("+966501234567", Source.HELP_CENTER, "ar")
    assert say_moment(row.deadline, store, "ar") in done.content.decode()


def test_a_flood_from_one_address_is_stopped_with_a_message(store: Any) -> None:
    client = _client()
    url = f"/en/s/{store.slug}/help/callback/"
    answers = [
        client.post(url, {"phone": "0501234567", "topic": f"t{i}"}).status_code for i in range(6)
    ]
    assert answers == [201] * 5 + [429]
    flood = client.post(url, {"phone": "0501234567", "topic": "again"})
    assert "You have asked for several callbacks already" in flood.content.decode()
    assert CallbackRequest.objects.filter(store=store).count() == 5
