"""Live chat: B's conversations, notes, visitors and attachments must never reach A."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from dukkan.support import fanout, services
from dukkan.support.models import Conversation, ConversationEvent, Visitor
from tests.isolation.walker import World


def build(world: World) -> None:
    visitor = services.create_visitor(
        world.b, name="Bravo Visitor Oberon", email="bravo-visitor-2h8n@bravo-private.example"
    )
    conversation = services.start_conversation(visitor)
    services.post_message(
        conversation, author_kind="visitor", body="bravo private question 6c1d", client_id="b1"
    )
    services.post_note(conversation, author=world.b_owner, body="bravo private note 9f3a")
    attachment = services.save_attachment(
        world.b, SimpleUploadedFile("bravo-scan.pdf", b"%PDF-1.4 bravo"), visitor=visitor
    )
    services.post_message(conversation, author_kind="visitor", body="", attachment=attachment)
    world.extra["b_visitor"] = visitor
    world.extra["b_conversation"] = conversation
    world.extra["b_attachment"] = attachment


def _forged_attachment_token(world: World) -> str:
    # The real link is a capability mailed only to the conversation's people; A can only forge.
    real = fanout.attachment_url(world.extra["b_attachment"]).rstrip("/").rsplit("/", 1)[-1]
    return real[:-4] + ("AAAA" if not real.endswith("AAAA") else "BBBB")


def __getattr__(name: str) -> Any:
    # `Param` is defined in the walker after it imports this module; build on first use.
    if name != "PARAMETERS":
        raise AttributeError(name)
    from tests.isolation.walker import Param

    return {
        "attachment_token": Param(
            _forged_attachment_token,
            True,
            "a chat attachment's signed link; A can only forge one for B's attachment",
        ),
    }


def private_markers(world: World) -> list[str]:
    visitor: Visitor = world.extra["b_visitor"]
    return [
        visitor.name,
        visitor.email,
        "bravo private question 6c1d",
        "bravo private note 9f3a",
        "bravo-scan",
    ]


def snapshot(world: World) -> Any:
    return (
        list(Conversation.objects.filter(store=world.b).order_by("pk").values_list()),
        list(ConversationEvent.objects.filter(store=world.b).order_by("pk").values_list()),
        list(Visitor.objects.filter(store=world.b).order_by("pk").values_list()),
    )
