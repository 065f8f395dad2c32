"""Email channel: B's support addresses, received mail and provider webhook secrets stay B's."""

from __future__ import annotations

from typing import Any

from dukkan.email_channel import services
from dukkan.email_channel.models import InboundMessage, SupportAddress
from tests.isolation.walker import World


def build(world: World) -> None:
    address = services.add_address(world.b, "help@bravo-private.example")
    (row,) = services.receive(
        b"To: help@bravo-private.example\r\nSubject: private\r\n\r\nno sender\r\n", source="smtp"
    )
    assert row.status == "failed"
    world.extra["email_address"] = address
    world.extra["email_inbound"] = row


def _forged_webhook_token(world: World) -> str:
    real: SupportAddress = world.extra["email_address"]
    token = real.webhook_token
    return token[:-6] + ("A" * 6 if not token.endswith("A" * 6) else "B" * 6)


def __getattr__(name: str) -> Any:
    if name != "PARAMETERS":
        raise AttributeError(name)
    from tests.isolation.walker import Param

    return {
        "address_id": Param(
            lambda w: str(w.extra["email_address"].pk), True, "B's support address"
        ),
        "inbound_id": Param(
            lambda w: str(w.extra["email_inbound"].pk),
            True,
            "a mail B received (its raw bytes and its retry button)",
        ),
        "webhook_token": Param(
            _forged_webhook_token,
            True,
            "Postmark's secret webhook URL of B's address; A can only guess one",
        ),
    }


PUBLIC_ROUTES = {
    "email_channel_webhook:mailgun": "providers post here; only a valid signature is accepted",
    "email_channel_webhook:postmark": "providers post here; only B's secret (basic auth) is accepted",
}


def snapshot(world: World) -> Any:
    return (
        list(SupportAddress.objects.filter(store=world.b).order_by("pk").values_list()),
        list(
            InboundMessage.objects.filter(store=world.b)
            .order_by("pk")
            .values_list("pk", "status", "reason", "attempts", "conversation_id")
        ),
    )
