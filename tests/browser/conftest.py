"""Fixtures for tests that drive Debian's chromium through Playwright against a live server."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connections
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}


@pytest.fixture
def browser(chromium_path: str) -> Iterator[Browser]:
    # Playwright's sync API keeps an event loop running in this thread, which makes Django
    # refuse ORM calls (fixtures, flushes) unless told that this thread is really synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
            yield launched
            launched.close()
            # Connections opened while Playwright's loop ran belong to that context; close them
            # here, or dropping the PostgreSQL test database finds them still open.
            connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def site(transactional_db: None, live_server: Any) -> str:
    """The demo marketplace on a live server; returns its address.

    The database is requested before the server so that, at the end of the session, the
    server stops before the test database is dropped.
    """
    from dukkan.demo import load_demo

    load_demo()
    return str(live_server.url)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP)  # type: ignore[arg-type]
    context.set_default_timeout(15_000)
    opened = context.new_page()
    yield opened
    context.close()


def sign_in(page: Page, base_url: str, language: str, email: str, password: str) -> None:
    """Type into the real sign-in form and press its button, like a person would."""
    page.goto(f"{base_url}/{language}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("domcontentloaded")


def catalog(language: str) -> Callable[[str], str]:
    """The Django catalog's text for a message in `language`."""

    def lookup(message: str) -> str:
        with translation.override(language):
            return gettext(message)

    return lookup


def overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0 when nothing sticks out)."""
    return int(
        page.evaluate(
            "Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth)"
        )
    )
