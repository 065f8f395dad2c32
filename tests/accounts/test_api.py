"""The accounts part of the JSON API (/api/v1/...), over the real HTTP stack."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from dukkan.accounts import services
from dukkan.accounts.models import Membership, Role

pytestmark = pytest.mark.django_db


def test_public_store(client: Client, make_store: Callable[..., Any]) -> None:
    store = make_store(slug="kotob", name="Kotob", currency="SAR", time_zone="Asia/Riyadh")
    response = client.get("/api/v1/stores/kotob")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Kotob"
    assert (body["currency"], body["time_zone"]) == ("SAR", "Asia/Riyadh")
    assert "secret" not in body
    assert store.secret not in response.content.decode()


def test_unknown_and_closed_stores_are_404(client: Client, make_store: Callable[..., Any]) -> None:
    make_store(slug="closed", is_active=False)
    assert client.get("/api/v1/stores/nope").status_code == 404
    assert client.get("/api/v1/stores/closed").status_code == 404


def test_my_stores(
    client: Client, make_store: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    person = make_user()
    mine = make_store(slug="mine", owner=person)
    theirs = make_store(slug="theirs")
    services.add_member(store=theirs, user=person, role=Role.AGENT)
    make_store(slug="not-mine")
    client.force_login(person)
    body = client.get("/api/v1/me/stores").json()
    assert sorted((entry["store"]["slug"], entry["role"]) for entry in body) == [
        ("mine", "owner"),
        ("theirs", "agent"),
    ]
    assert mine.secret not in str(body)


def test_members_of_my_store(
    client: Client, make_store: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    store = make_store(slug="kotob")
    agent = make_user("agent@example.com", display_name="Layla")
    services.add_member(store=store, user=agent, role=Role.AGENT)
    client.force_login(agent)
    response = client.get("/api/v1/stores/kotob/members")
    assert response.status_code == 200
    members = response.json()
    owner = Membership.objects.get(store=store, role=Role.OWNER)
    assert [(m["email"], m["role"]) for m in members] == [
        (owner.user.email, "owner"),
        ("agent@example.com", "agent"),
    ]
    assert members[1]["display_name"] == "Layla"


def test_members_of_another_store_are_404(
    client: Client, make_store: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    mine = make_store(slug="mine")
    make_store(slug="theirs")
    client.force_login(Membership.objects.get(store=mine).user)
    other = client.get("/api/v1/stores/theirs/members")
    missing = client.get("/api/v1/stores/no-such-store/members")
    # The same answer for "not yours" and "does not exist": nothing to learn from it.
    assert (other.status_code, other.json()) == (missing.status_code, missing.json())
    assert other.status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/me/stores", "/api/v1/stores/kotob/members"])
def test_anonymous_gets_401(client: Client, make_store: Callable[..., Any], path: str) -> None:
    make_store(slug="kotob")
    response = client.get(path)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_wrong_method_is_405(client: Client, make_store: Callable[..., Any]) -> None:
    make_store(slug="kotob")
    assert client.post("/api/v1/stores/kotob").status_code == 405
    assert client.delete("/api/v1/stores/kotob").status_code == 405


def test_docs_and_schema(client: Client) -> None:
    assert client.get("/api/docs").status_code == 200
    schema = client.get("/api/openapi.json").json()
    assert {
        "/api/v1/stores/{store_slug}",
        "/api/v1/me/stores",
        "/api/v1/stores/{store_slug}/members",
    } <= set(schema["paths"])
