"""Contacts: B's customers must never show up for A."""

from __future__ import annotations

from typing import Any

from dukkan.crm.models import Contact
from dukkan.crm.services import upsert_contact
from tests.isolation.walker import World


def build(world: World) -> None:
    world.extra["b_contact"] = upsert_contact(
        world.b, email="bravo-customer-5t1v@bravo-private.example", name="Bravo Customer Quillon"
    )


def private_markers(world: World) -> list[str]:
    contact: Contact = world.extra["b_contact"]
    return [contact.email, contact.name]


def snapshot(world: World) -> Any:
    return list(Contact.objects.filter(store=world.b).order_by("pk").values_list())
