"""The owner's chat-widget page: settings, the tag to embed, the signing snippets."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from dukkan.accounts import services as accounts
from dukkan.accounts.models import Role
from dukkan.widget.models import WidgetSettings
from dukkan.widget.selectors import widget_settings

pytestmark = pytest.mark.django_db

FORM = {
    "enabled": "on",
    "allowed_origins": "https://shop.example.com\n\n  http://localhost:3000/  \n",
    "prechat_mode": "before",
    "prechat_name": "optional",
    "prechat_email": "required",
    "prechat_phone": "off",
    "welcome_ar": "أهلًا بك",
    "welcome_fa": "خوش آمدید",
    "welcome_en": "Welcome",
    "reply_time": "minutes",
    "accent_colour": "#123456",
}


@pytest.fixture
def owner_client(make_store: Any, make_user: Any) -> tuple[Client, Any]:
    owner = make_user()
    store = make_store(owner=owner, slug="nakhla")
    client = Client()
    client.force_login(owner)
    return client, store


def test_the_owner_sees_the_snippets_and_saves_the_settings(
    owner_client: tuple[Client, Any],
) -> None:
    client, store = owner_client
    url = f"/fa/dashboard/{store.slug}/widget/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'lang="fa" dir="rtl"' in html
    assert "data-store=&quot;nakhla&quot;" in html  # the embed tag, shown as text
    assert "hmac.new(" in html
    assert "hash_hmac(&#x27;sha256&#x27;" in html
    assert store.secret in html  # the owner needs it to sign; only the team sees this page
    assert f'href="/fa/dashboard/{store.slug}/widget/" aria-current="page"' in html

    saved = client.post(url, FORM)
    assert saved.status_code == 302
    settings = WidgetSettings.objects.get(store=store)
    assert settings.origins == ["https://shop.example.com", "http://localhost:3000"]
    assert settings.prechat_fields() == {"name": "optional", "email": "required"}
    assert settings.sound is False  # an unticked box
    assert (settings.welcome("fa"), settings.accent_colour) == ("خوش آمدید", "#123456")


@pytest.mark.parametrize(
    "origin",
    [
        "shop.example.com",
        "https://shop.example.com/path",
        "ftp://shop.example.com",
        "https://user@shop.example.com",
        "https://shop.example.com:99999",
        "https://shop.example.com?x=1",
    ],
)
def test_an_origin_that_is_not_scheme_host_port_is_refused(
    owner_client: tuple[Client, Any], origin: str
) -> None:
    client, store = owner_client
    response = client.post(
        f"/en/dashboard/{store.slug}/widget/", {**FORM, "allowed_origins": origin}
    )
    assert response.status_code == 400
    assert "scheme://host" in response.content.decode()
    assert not WidgetSettings.objects.filter(store=store).exists()


def test_a_bad_colour_is_refused(owner_client: tuple[Client, Any]) -> None:
    client, store = owner_client
    response = client.post(
        f"/en/dashboard/{store.slug}/widget/", {**FORM, "accent_colour": "red;}"}
    )
    assert response.status_code == 400
    assert widget_settings(store).accent_colour == "#0f766e"


def test_an_agent_may_not_change_the_widget(make_store: Any, make_user: Any) -> None:
    store = make_store()
    agent = make_user()
    accounts.add_member(store=store, user=agent, role=Role.AGENT)
    client = Client()
    client.force_login(agent)
    url = f"/en/dashboard/{store.slug}/widget/"
    assert client.get(url).status_code == 403
    assert client.post(url, FORM).status_code == 403
    assert not WidgetSettings.objects.filter(store=store).exists()
    assert store.secret not in client.get(f"/en/dashboard/{store.slug}/").content.decode()
