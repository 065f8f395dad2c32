"""The chat widget: its settings page is B's team's only; its public endpoints leak nothing."""

from __future__ import annotations

from typing import Any

from dukkan.widget import services
from dukkan.widget.models import WidgetSettings
from tests.isolation.walker import World

PUBLIC_ROUTES = {
    "widget:config": "the widget's public config (name, status, texts) for any visitor's page",
    "widget:session": "any visitor may start a chat with any store",
    "widget:prechat": "needs the visitor's own signed token",
    "widget:upload": "needs the visitor's own signed token",
    "widget:demo": "a sample host page, public like the store page",
    **{
        f"widget:chat_{name}": "the HTTP fallback for visitors: needs the visitor's own token"
        for name in ("session", "send", "poll", "typing", "read", "delivered")
    },
}


def build(world: World) -> None:
    world.extra["b_widget"] = services.update_settings(
        world.b,
        allowed_origins="https://bravo-shop-6h2p.example",
        welcome_en="Bravo welcome",
    )


def snapshot(world: World) -> Any:
    return list(WidgetSettings.objects.filter(store=world.b).values_list())
