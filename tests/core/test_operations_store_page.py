"""The public store page is cached, and still correct for every visitor and after every change."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from dukkan.accounts import services
from dukkan.core import pagecache

CSRF_IN_FORM = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _token(html: str) -> str:
    match = CSRF_IN_FORM.search(html)
    assert match, "the page has no CSRF token in its form"
    return match.group(1)


@pytest.mark.django_db
def test_the_page_follows_changes_to_the_store(
    client: Client, make_store: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    store = make_store(name="Cedar Apps", tagline="Tools for makers")
    url = f"/en/s/{store.slug}/"
    assert "Cedar Apps" in client.get(url).content.decode()
    assert "Cedar Apps" in client.get(url).content.decode()  # now from the cache

    with django_capture_on_commit_callbacks(execute=True):
        services.update_store(store, name="Cedar Software", tagline="Tools for builders")
    page = client.get(url).content.decode()
    assert "Cedar Software" in page
    assert "Tools for builders" in page
    assert "Cedar Apps" not in page

    with django_capture_on_commit_callbacks(execute=True):
        services.update_store(store, is_active=False)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_the_version_moves_on_save_and_again_on_commit(
    make_store: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    # A reader between save and commit may cache the old row under the first new version.
    store = make_store()
    before = pagecache._current_version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.update_store(store, name="After")
        during = pagecache._current_version()
    assert during != before
    assert pagecache.bump_stores_version in callbacks


@pytest.mark.django_db
def test_a_cached_page_costs_no_query(
    client: Client, make_store: Callable[..., Any], django_assert_num_queries: Any
) -> None:
    store = make_store(name="Cedar")
    client.get(f"/en/s/{store.slug}/")
    with django_assert_num_queries(0):
        assert "Cedar" in client.get(f"/en/s/{store.slug}/").content.decode()


@pytest.mark.django_db
def test_anonymous_visitors_get_language_links_and_no_csrf_cookie(
    make_store: Callable[..., Any],
) -> None:
    store = make_store()
    url = f"/en/s/{store.slug}/"
    visitor = Client(enforce_csrf_checks=True)
    for _ in range(2):  # the first render fills the cache, the second is served from it
        page = visitor.get(url)
        body = page.content.decode()
        assert "csrftoken" not in page.cookies
        assert CSRF_IN_FORM.search(body) is None
        for code in ("ar", "fa"):
            assert f'href="/{code}/s/{store.slug}/" hreflang="{code}"' in body
            assert (
                f'<link rel="alternate" hreflang="{code}" href="/{code}/s/{store.slug}/">' in body
            )
    assert visitor.get(f"/ar/s/{store.slug}/").status_code == 200


@pytest.mark.django_db
def test_signed_in_visitors_switch_language_with_a_working_csrf_form(
    make_store: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    store = make_store()
    url = f"/en/s/{store.slug}/"
    member = Client(enforce_csrf_checks=True)
    member.force_login(make_user())
    token = _token(member.get(url).content.decode())
    switched = member.post(
        "/i18n/language/", {"language": "ar", "next": url, "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302
    assert switched["Location"] == f"/ar/s/{store.slug}/"


@pytest.mark.django_db
def test_each_language_gets_its_own_page(client: Client, make_store: Callable[..., Any]) -> None:
    store = make_store(name="Cedar")
    for _ in range(2):  # the second round comes from the cache
        arabic = client.get(f"/ar/s/{store.slug}/").content.decode()
        english = client.get(f"/en/s/{store.slug}/").content.decode()
        persian = client.get(f"/fa/s/{store.slug}/").content.decode()
        assert '<html lang="ar" dir="rtl">' in arabic
        assert '<html lang="fa" dir="rtl">' in persian
        assert '<html lang="en" dir="ltr">' in english


@pytest.mark.django_db
def test_signed_in_people_get_their_own_page(
    client: Client, make_store: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    store = make_store()
    url = f"/en/s/{store.slug}/"
    anonymous = client.get(url).content.decode()
    assert 'href="/en/accounts/login/"' in anonymous
    client.force_login(make_user())
    signed_in = client.get(url).content.decode()
    assert 'href="/en/accounts/login/"' not in signed_in
    assert 'href="/en/dashboard/"' in signed_in


@pytest.mark.django_db
def test_unknown_stores_are_404_and_not_cached(client: Client) -> None:
    from django.core.cache import cache

    assert client.get("/en/s/no-such-store/").status_code == 404
    key = pagecache.entry_key("/en/s/no-such-store/", "en")
    assert cache.get(key) is None
