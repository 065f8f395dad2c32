from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from dukkan.core.money import format_money


def _html_attrs(body: str) -> tuple[str, str]:
    match = re.search(r'<html lang="([^"]+)" dir="([^"]+)"', body)
    assert match, "page has no <html lang dir>"
    return match.group(1), match.group(2)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "expected"), [("fa-IR,fa;q=0.9", "/fa/"), ("ar-SA", "/ar/"), ("en-GB", "/en/")]
)
def test_root_redirects_to_the_browser_language(client: Client, accept: str, expected: str) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.django_db
def test_language_cookie_wins_over_the_browser(client: Client) -> None:
    client.cookies["dukkan_language"] = "ar"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fa")
    assert response["Location"] == "/ar/"


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("fa", "rtl"), ("en", "ltr")])
def test_page_lang_and_dir_follow_the_url(client: Client, language: str, direction: str) -> None:
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    assert _html_attrs(response.content.decode()) == (language, direction)


@pytest.mark.django_db
def test_switching_language_keeps_the_page_and_sets_the_cookie(client: Client, make_store) -> None:  # type: ignore[no-untyped-def]
    store = make_store(slug="kotob")
    response = client.post("/i18n/language/", {"language": "fa", "next": f"/en/s/{store.slug}/"})
    assert response.status_code == 302
    assert response["Location"] == f"/fa/s/{store.slug}/"
    assert response.cookies["dukkan_language"].value == "fa"


@pytest.mark.django_db
def test_switching_language_saves_the_preference_of_a_signed_in_person(
    client: Client, make_user
) -> None:  # type: ignore[no-untyped-def]
    user = make_user(language="en")
    client.force_login(user)
    client.post("/i18n/language/", {"language": "ar", "next": "/en/dashboard/"})
    user.refresh_from_db()
    assert user.language == "ar"


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["de", "", "../../etc"])
def test_switching_to_an_unknown_language_is_refused(client: Client, bad: str) -> None:
    response = client.post("/i18n/language/", {"language": bad, "next": "/en/"})
    assert response.status_code == 404
    assert "dukkan_language" not in response.cookies


@pytest.mark.django_db
def test_switching_language_never_redirects_off_site(client: Client) -> None:
    response = client.post("/i18n/language/", {"language": "fa", "next": "https://evil.example/"})
    assert response["Location"] == "/fa/"


def _render(source: str, language: str, **context: object) -> str:
    with translation.override(language):
        return Template("{% load dukkan %}" + source).render(Context(context))


def test_persian_dates_use_the_jalali_calendar_and_persian_digits() -> None:
    assert _render("{{ d|ldate }}", "fa", d=date(2026, 11, 23)) == "۲ آذر ۱۴۰۵"
    assert _render("{{ d|ldate:'short' }}", "fa", d=date(2026, 3, 21)) == "۱۴۰۵/۰۱/۰۱"


def test_arabic_and_english_dates_stay_gregorian() -> None:
    assert _render("{{ d|ldate }}", "en", d=date(2026, 11, 23)) == "Nov 23, 2026"
    assert "2026" in _render("{{ d|ldate:'long' }}", "ar", d=date(2026, 11, 23))
    assert "نوفمبر" in _render("{{ d|ldate:'long' }}", "ar", d=date(2026, 11, 23))


def test_jalali_datetime_is_shown_in_local_time() -> None:
    moment = datetime(2026, 11, 23, 20, 30, tzinfo=UTC)
    text = _render("{{ m|ldatetime }}", "fa", m=moment)
    assert "آذر" in text
    assert "۱۴۰۵" in text


def test_numbers_follow_the_locale() -> None:
    assert _render("{{ n|lnumber }}", "en", n=1234567) == "1,234,567"
    assert _render("{{ n|lnumber }}", "fa", n=1234567) == "۱٬۲۳۴٬۵۶۷"
    # A negative Persian amount keeps its minus sign in front of the digits.
    assert _render("{{ n|lnumber }}", "fa", n=-4000) == "\u200e\u2212۴٬۰۰۰"
    assert _render("{% money n 'IRR' %}", "fa", n=-40000).startswith("\u200e\u2212۴٬۰۰۰")


def test_money_is_minor_units_formatted_per_locale() -> None:
    assert format_money(1999, "USD", "en") == "$19.99"
    assert format_money(1999, "USD", "fa").endswith("۱۹٫۹۹")
    assert "12,345.50" in format_money(1234550, "SAR", "ar")
    with translation.override("en"):
        assert format_money(1_250_000, "IRR", "en") == "125,000 toman"


def test_times_are_written_with_the_readers_digits() -> None:
    assert _render("{{ t|ldigits }}", "fa", t="09:30") == "۰۹:۳۰"
    assert _render("{{ t|ldigits }}", "ar", t="09:30") == "09:30"
    assert _render("{{ t|ldigits }}", "en", t="09:30") == "09:30"


@pytest.mark.django_db
def test_store_hours_use_persian_digits_in_persian(client: Client, make_store) -> None:  # type: ignore[no-untyped-def]
    store = make_store(slug="saat")
    body = client.get(f"/fa/s/{store.slug}/").content.decode()
    assert "۰۹:۰۰–۱۷:۰۰" in body
    assert "09:00–17:00" in client.get(f"/en/s/{store.slug}/").content.decode()
