"""Callbacks: B's customers' numbers never reach A; the widget endpoints need a visitor's token."""

from __future__ import annotations

from typing import Any

from dukkan.callbacks import services
from dukkan.callbacks.models import CallbackRequest
from tests.isolation.walker import World

PHONE = "+966501239876"

PUBLIC_ROUTES = {
    "callbacks_public:status": "the widget's queue status: needs the visitor's own signed token",
    "callbacks_public:person": "the one-tap 'talk to a person': needs the visitor's own token",
    "callbacks_public:feedback": "'did this solve it?': needs the visitor's own token",
    "callbacks_public:request": "a callback request: needs the visitor's own token",
    "callbacks_public:rate": "a rating from the widget: needs the visitor's own token",
    "callbacks_public:rate_by_email": "a rating link is signed for one conversation; forged: 404",
    "knowledge_helpcenter:callback": "the help center's callback form is public; it books, never reads",
}


def build(world: World) -> None:
    world.b.time_zone = "Asia/Riyadh"
    world.b.save()
    world.extra["b_callback"] = services.request_callback(
        world.b, phone=PHONE, topic="Bravo callback topic 6h2p"
    ).request


def private_markers(world: World) -> list[str]:
    return [PHONE, "Bravo callback topic 6h2p"]


def snapshot(world: World) -> Any:
    return list(CallbackRequest.objects.filter(store=world.b).values_list())


def __getattr__(name: str) -> Any:
    if name != "PARAMETERS":
        raise AttributeError(name)
    from tests.isolation.walker import Param

    return {"callback_id": Param(lambda w: str(w.extra["b_callback"].pk), True, "B's callback")}
