"""The seller's delivery page: settings (owners and admins only) and the latest downloads."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import get_resolver, reverse

from dukkan.accounts import services as account_services
from dukkan.accounts.models import Membership, Role
from dukkan.delivery.models import DeliverySettings, Entitlement
from dukkan.delivery.services import download_url_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mounted() -> Iterator[None]:
    if "delivery_dashboard" in get_resolver().namespace_dict:
        yield
        return
    with override_settings(ROOT_URLCONF="tests.delivery.urls_with_dashboard"):
        yield


def _url(store: Any, language: str = "en") -> str:
    from django.utils import translation

    with translation.override(language):
        return reverse("delivery_dashboard:edit", kwargs={"store_slug": store.slug})


def _owner(store: Any) -> Any:
    return Membership.objects.get(store=store, role=Role.OWNER).user


def test_owner_changes_the_settings_and_links_follow(paid: Entitlement, client: Client) -> None:
    store = paid.store
    client.force_login(_owner(store))
    page = client.get(_url(store, "ar"))
    assert page.status_code == 200
    assert 'dir="rtl"' in page.content.decode()
    saved = client.post(
        _url(store), {"link_hours": "2", "download_limit": "1", "magic_link_hours": "48"}
    )
    assert saved.status_code == 302
    settings = DeliverySettings.objects.get(store=store)
    assert (settings.link_hours, settings.download_limit, settings.magic_link_hours) == (2, 1, 48)
    url = download_url_for(paid)
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 403  # the new limit of one


@pytest.mark.parametrize(
    "values",
    [
        {"link_hours": "0", "download_limit": "5", "magic_link_hours": "24"},
        {"link_hours": "24", "download_limit": "-1", "magic_link_hours": "24"},
        {"link_hours": "24", "download_limit": "five", "magic_link_hours": "24"},
        {"link_hours": "99999", "download_limit": "5", "magic_link_hours": "24"},
    ],
)
def test_bad_values_are_refused_and_nothing_saved(
    paid: Entitlement, client: Client, values: dict[str, str]
) -> None:
    client.force_login(_owner(paid.store))
    response = client.post(_url(paid.store), values)
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    settings = DeliverySettings.objects.filter(store=paid.store).first()
    assert settings is None or (settings.link_hours, settings.download_limit) == (24, 5)


def test_the_log_shows_downloads_to_the_team(paid: Entitlement, client: Client) -> None:
    b"".join(
        Client()
        .get(download_url_for(paid), HTTP_USER_AGENT="Firefox/140", REMOTE_ADDR="198.51.100.7")
        .streaming_content  # type: ignore[attr-defined]
    )
    client.force_login(_owner(paid.store))
    html = client.get(_url(paid.store)).content.decode()
    assert "198.51.100.7" in html
    assert "Firefox/140" in html
    assert paid.email in html


def test_agents_and_strangers_are_refused(
    paid: Entitlement, client: Client, make_user: Any, make_store: Any
) -> None:
    agent = make_user()
    account_services.add_member(store=paid.store, user=agent, role=Role.AGENT)
    client.force_login(agent)
    assert client.get(_url(paid.store)).status_code == 403
    stranger = make_user()
    make_store(owner=stranger)
    client.force_login(stranger)
    assert client.get(_url(paid.store)).status_code == 404
    client.logout()
    assert client.get(_url(paid.store)).status_code == 302


def test_the_isolation_walk_covers_the_delivery_page() -> None:
    from tests.isolation.walker import build_world, walk

    mounted = "delivery_dashboard" in get_resolver().namespace_dict
    report = walk(build_world(), None if mounted else "tests.delivery.urls_with_dashboard")
    ours = [
        v
        for v in report.violations
        if v.route.startswith(("delivery_dashboard", "purchases", "download"))
    ]
    assert not ours, "\n".join(map(str, ours))
    assert "delivery_dashboard:edit" in report.denied
    assert ("purchases:home", "GET") in report.checked
    assert "download:file" in report.denied
    assert "purchases:receipt" in report.denied
