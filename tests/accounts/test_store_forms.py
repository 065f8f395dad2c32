"""Opening a store and editing its settings, with bad input that must save nothing."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.test import Client

from dukkan.accounts.models import Membership, Role
from dukkan.core.models import Store

pytestmark = pytest.mark.django_db

GOOD_STORE = {
    "name": "Ketabkhane",
    "slug": "ketabkhane",
    "tagline": "Books",
    "description": "",
    "default_language": "fa",
    "currency": "IRR",
    "time_zone": "Asia/Tehran",
    "weekend": "fri",
}


def page_text(response: Any) -> str:
    return html.unescape(response.content.decode())


def test_open_a_store(client: Client, make_user: Callable[..., Any]) -> None:
    user = make_user()
    client.force_login(user)
    response = client.post("/en/dashboard/new-store/", GOOD_STORE)
    assert response["Location"] == "/en/dashboard/ketabkhane/"
    store = Store.objects.get(slug="ketabkhane")
    assert (store.currency, store.time_zone, store.weekend_days) == ("IRR", "Asia/Tehran", [5])
    assert Membership.objects.get(store=store).user == user
    assert Membership.objects.get(store=store).role == Role.OWNER


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "slug",
            "my store!",
            "Enter a valid “slug” consisting of Unicode letters, numbers, underscores, or hyphens.",
        ),
        ("currency", "XYZ", "Select a valid choice. XYZ is not one of the available choices."),
        (
            "time_zone",
            "Mars/Olympus",
            "Select a valid choice. Mars/Olympus is not one of the available choices.",
        ),
        (
            "default_language",
            "tlh",
            "Select a valid choice. tlh is not one of the available choices.",
        ),
        ("name", "", "This field is required."),
    ],
)
def test_opening_a_store_with_bad_input_explains_and_saves_nothing(
    client: Client, make_user: Callable[..., Any], field: str, value: str, message: str
) -> None:
    client.force_login(make_user())
    response = client.post("/en/dashboard/new-store/", {**GOOD_STORE, field: value})
    assert response.status_code == 400
    assert message in page_text(response)
    assert not Store.objects.exists()
    assert not Membership.objects.exists()


def test_a_taken_address_is_refused(
    client: Client, make_store: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    make_store(slug="ketabkhane")
    client.force_login(make_user())
    response = client.post("/en/dashboard/new-store/", GOOD_STORE)
    assert response.status_code == 400
    assert "Store with this Address already exists." in page_text(response)
    assert Store.objects.count() == 1


def settings_form(store: Store, **changes: str) -> dict[str, str]:
    data = {f"store-{k}": v for k, v in {**GOOD_STORE, "slug": store.slug}.items()}
    for day in range(1, 8):
        data[f"hours-opens_{day}"] = "" if day == 5 else "09:00"
        data[f"hours-closes_{day}"] = "" if day == 5 else "17:30"
    data.update(changes)
    return data


def test_settings_are_saved(client: Client, make_store: Callable[..., Any]) -> None:
    store = make_store()
    client.force_login(Membership.objects.get(store=store).user)
    response = client.post(f"/en/dashboard/{store.slug}/settings/", settings_form(store))
    assert response.status_code == 302
    store.refresh_from_db()
    assert store.name == "Ketabkhane"
    assert store.business_hours["1"] == [["09:00", "17:30"]]
    assert store.business_hours["5"] == []
    assert store.weekend_days == [5]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"hours-opens_2": "18:00", "hours-closes_2": "09:00"},
            "On Tuesday an interval ends (09:00) before it starts (18:00).",
        ),
        (
            {"hours-opens_3": "09:00", "hours-closes_3": ""},
            "Give both the opening and the closing time, or neither.",
        ),
        (
            {"hours-opens_3": "", "hours-closes_3": "17:00"},
            "Give both the opening and the closing time, or neither.",
        ),
        (
            {"hours-opens_4": "9am", "hours-closes_4": "17:00"},
            "Times must be written as HH:MM, for example 09:00.",
        ),
        ({"store-slug": "no spaces please"}, "Enter a valid “slug”"),
        (
            {"store-currency": "ABC"},
            "Select a valid choice. ABC is not one of the available choices.",
        ),
        (
            {"store-time_zone": "Europe/Atlantis"},
            "Select a valid choice. Europe/Atlantis is not one of the available choices.",
        ),
        (
            {"store-weekend": "every_day"},
            "Select a valid choice. every_day is not one of the available choices.",
        ),
    ],
    ids=[
        "close-before-open",
        "only-open",
        "only-close",
        "bad-time",
        "bad-slug",
        "currency",
        "time-zone",
        "weekend",
    ],
)
def test_bad_settings_explain_and_save_nothing(
    client: Client, make_store: Callable[..., Any], changes: dict[str, str], message: str
) -> None:
    store = make_store()
    before = model_to_dict(Store.objects.get(pk=store.pk))
    client.force_login(Membership.objects.get(store=store).user)
    response = client.post(f"/en/dashboard/{store.slug}/settings/", settings_form(store, **changes))
    assert response.status_code == 400
    assert message in page_text(response)
    assert model_to_dict(Store.objects.get(pk=store.pk)) == before
