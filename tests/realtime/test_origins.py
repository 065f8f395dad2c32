"""Which pages may open which socket: the widget's from the store's own sites, the agent's
only from Dukkan itself (it is authenticated by the session cookie)."""

from __future__ import annotations

import asyncio

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from dukkan.widget.models import WidgetSettings
from tests.realtime.chat import Chat
from tests.realtime.conftest import Server, Shop, visitor_token

pytestmark = pytest.mark.slow

SHOP_SITE = "https://books.shop-site.example"


def test_the_widget_socket_opens_from_an_allowed_site_and_not_from_another(
    server: Server, shop: Shop
) -> None:
    WidgetSettings.objects.update_or_create(
        store=shop.store, defaults={"allowed_origins": SHOP_SITE}
    )
    _visitor, token = visitor_token(shop.store)
    url = f"{server.ws}/ws/chat/visitor/?store={shop.store.slug}&token={token}"

    async def welcome_from(origin: str) -> str:
        chat = Chat(url, origin)
        try:
            frame = await chat.open()
        except (ConnectionClosed, InvalidStatus):
            return "refused"
        await chat.close()
        return str(frame["type"]) if frame["type"] == "welcome" else "refused"

    assert asyncio.run(welcome_from(SHOP_SITE)) == "welcome"
    assert asyncio.run(welcome_from(server.http)) == "welcome"
    assert asyncio.run(welcome_from("https://elsewhere.example")) == "refused"


def test_the_agent_socket_refuses_other_sites_even_with_the_agents_cookie(
    server: Server, shop: Shop
) -> None:
    WidgetSettings.objects.update_or_create(
        store=shop.store, defaults={"allowed_origins": SHOP_SITE}
    )
    url = f"{server.ws}/ws/chat/agent/?store={shop.store.slug}"

    async def open_from(origin: str) -> str:
        chat = Chat(url, origin, shop.agent_cookie)
        try:
            frame = await chat.open()
        except (ConnectionClosed, InvalidStatus):
            return "refused"
        await chat.close()
        return str(frame["type"])

    assert asyncio.run(open_from(server.http)) == "welcome"
    assert asyncio.run(open_from(SHOP_SITE)) == "refused"
