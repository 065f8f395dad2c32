"""The tenant-isolation walk reaches every inbox route, and none lets A at B's inbox."""

from __future__ import annotations

import pytest

from tests.isolation.walker import build_world, walk

pytestmark = pytest.mark.django_db


def test_every_inbox_route_refuses_another_stores_member() -> None:
    world = build_world()
    report = walk(world)
    mine = [v for v in report.violations if v.route.startswith("inbox:")]
    assert not mine, "\n".join(str(v) for v in mine)
    for route in (
        "inbox:list",
        "inbox:counts",
        "inbox:figures",
        "inbox:conversation",
        "inbox:events",
        "inbox:reply",
        "inbox:read",
        "inbox:assign",
        "inbox:status",
        "inbox:priority",
        "inbox:labels",
        "inbox:canned",
        "inbox:canned_edit",
        "inbox:canned_delete",
        "inbox:settings",
        "inbox:capacity",
    ):
        assert route in report.denied, f"{route} was not walked as a store-bound route"
    leaks = [v for v in report.violations if "Marzipanic" in v.problem or "Quetzalor" in v.problem]
    assert not leaks


def test_the_markers_are_real_for_b_itself() -> None:
    from django.test import Client

    world = build_world()
    client = Client()
    client.force_login(world.b_owner)
    conversation = world.extra["inbox_conversation"]
    page = client.get(f"/en/dashboard/{world.b.slug}/inbox/c/{conversation.pk}/").content.decode()
    for marker in ("Bravo Visitor Ophelion", "Marzipanic", "Quetzalor"):
        assert marker in page
    assert "Xylophant" in client.get(f"/en/dashboard/{world.b.slug}/inbox/canned/").content.decode()
