"""A demo owner signs in through the real form and uses the dashboard in ar, fa and en."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from dukkan.demo import DEMO_PASSWORD
from tests.browser.conftest import DESKTOP, PHONE, catalog, overflow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OWNERS = {
    "ar": ("salma@alwarraq.example", "alwarraq"),
    "fa": ("maryam@afzoonesara.example", "afzoonesara"),
    "en": ("daniel@cedarapps.example", "cedar-apps"),
}
DIRECTION = {"ar": "rtl", "fa": "rtl", "en": "ltr"}


def assert_language(page: Page, language: str) -> None:
    html = page.locator("html")
    assert html.get_attribute("lang") == language
    assert html.get_attribute("dir") == DIRECTION[language]


def assert_fits(page: Page, url: str) -> None:
    """No horizontal scrolling, on a desktop window and on a phone."""
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)  # type: ignore[arg-type]
        page.goto(url)
        assert overflow(page) == 0, f"{url} is wider than a {size['width']}px window"
    page.set_viewport_size(DESKTOP)  # type: ignore[arg-type]


@pytest.mark.parametrize("language", ["ar", "fa", "en"])
def test_owner_signs_in_and_sees_the_dashboard_in_their_language(
    page: Page, site: str, language: str
) -> None:
    email, slug = OWNERS[language]
    text = catalog(language)

    sign_in(page, site, language, email, DEMO_PASSWORD)

    assert page.url == f"{site}/{language}/dashboard/"
    assert_language(page, language)
    heading = page.locator("main h1").inner_text().strip()
    assert heading == text("Your stores")

    page.click(f"main a[href='/{language}/dashboard/{slug}/']")
    assert page.url == f"{site}/{language}/dashboard/{slug}/"
    assert_language(page, language)
    assert page.locator(".stat-label").first.inner_text().strip() == text("Team members")

    page.click(f"nav.tabs a[href='/{language}/dashboard/{slug}/team/']")
    assert page.url == f"{site}/{language}/dashboard/{slug}/team/"
    assert page.locator("main h2").first.inner_text().strip() == text("Team")
    assert page.get_by_text(email).count() == 1

    for url in (
        f"{site}/{language}/dashboard/",
        f"{site}/{language}/dashboard/{slug}/",
        f"{site}/{language}/dashboard/{slug}/team/",
        f"{site}/{language}/dashboard/{slug}/settings/",
    ):
        assert_fits(page, url)

    if language != "en":
        # Checked last, so that everything above is proven even before the ar/fa catalogs land.
        assert heading != "Your stores", f"'Your stores' is not translated into {language}"


def test_language_switcher_brings_the_same_page_back_in_the_chosen_language(
    page: Page, site: str
) -> None:
    from dukkan.accounts.models import User

    sign_in(page, site, "en", "daniel@cedarapps.example", DEMO_PASSWORD)
    page.goto(f"{site}/en/dashboard/cedar-apps/team/")
    assert_language(page, "en")

    tabs = {}
    for language in ("ar", "fa", "en"):
        page.click(f"form.language-switch button[value={language}]")
        page.wait_for_url(f"{site}/{language}/dashboard/cedar-apps/team/")
        assert_language(page, language)
        tab = page.locator("nav.tabs a[aria-current=page]").inner_text().strip()
        assert tab == catalog(language)("Team")
        tabs[language] = tab
        # The choice is remembered as the person's preference, not only in the cookie.
        assert User.objects.get(email="daniel@cedarapps.example").language == language

    # Checked last, so that the switching is proven even before the ar/fa catalogs land.
    assert tabs["ar"] != "Team", "'Team' is not translated into ar"
    assert tabs["fa"] != "Team", "'Team' is not translated into fa"


@pytest.mark.parametrize("language", ["ar", "en"])
def test_wrong_password_shows_the_error_and_keeps_the_person_signed_out(
    page: Page, site: str, language: str
) -> None:
    sign_in(page, site, language, "salma@alwarraq.example", "not-the-password")

    assert page.url == f"{site}/{language}/accounts/login/"
    assert_language(page, language)
    expected = catalog(language)("The email address and/or password you specified are not correct.")
    assert page.get_by_text(expected).count() == 1
    assert page.locator("input[name=login]").input_value() == "salma@alwarraq.example"

    page.goto(f"{site}/{language}/dashboard/")
    assert "/accounts/login/" in page.url
