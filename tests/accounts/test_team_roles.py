"""Role changes and removals through the team page, with their rules."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from dukkan.accounts import services
from dukkan.accounts.models import Invitation, Membership, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(make_store: Callable[..., Any], make_user: Callable[..., Any]) -> dict[str, Any]:
    store = make_store()
    owner = Membership.objects.get(store=store)
    admin = services.add_member(store=store, user=make_user("admin@example.com"), role=Role.ADMIN)
    agent = services.add_member(store=store, user=make_user("agent@example.com"), role=Role.AGENT)
    return {"store": store, "owner": owner, "admin": admin, "agent": agent}


def said(response: Any) -> list[str]:
    """The messages the page shows after following the redirect."""
    return [
        html.unescape(m)
        for m in re.findall(r'<li class="message[^"]*">(.*?)</li>', response.content.decode())
    ]


def role_of(membership: Membership) -> str:
    membership.refresh_from_db()
    return membership.role


def as_member(client: Client, membership: Membership) -> Client:
    client.force_login(membership.user)
    return client


def test_owner_promotes_and_demotes(client: Client, team: dict[str, Any]) -> None:
    store, agent = team["store"], team["agent"]
    as_member(client, team["owner"])
    response = client.post(
        f"/en/dashboard/{store.slug}/team/{agent.pk}/role/", {"role": Role.ADMIN}, follow=True
    )
    assert response.redirect_chain == [(f"/en/dashboard/{store.slug}/team/", 302)]
    assert said(response) == ["Role changed."]
    assert role_of(agent) == Role.ADMIN


def test_admin_cannot_demote_or_make_an_owner(client: Client, team: dict[str, Any]) -> None:
    store, owner, agent = team["store"], team["owner"], team["agent"]
    as_member(client, team["admin"])
    demote = client.post(
        f"/en/dashboard/{store.slug}/team/{owner.pk}/role/", {"role": Role.AGENT}, follow=True
    )
    assert said(demote) == ["Only an owner can make or unmake an owner."]
    assert role_of(owner) == Role.OWNER
    promote = client.post(
        f"/en/dashboard/{store.slug}/team/{agent.pk}/role/", {"role": Role.OWNER}, follow=True
    )
    assert said(promote) == ["Only an owner can make or unmake an owner."]
    assert role_of(agent) == Role.AGENT
    remove = client.post(f"/en/dashboard/{store.slug}/team/{owner.pk}/remove/", follow=True)
    assert said(remove) == ["Only an owner can remove an owner."]
    assert Membership.objects.filter(pk=owner.pk).exists()


def test_unknown_role_is_refused(client: Client, team: dict[str, Any]) -> None:
    store, agent = team["store"], team["agent"]
    as_member(client, team["owner"])
    response = client.post(
        f"/en/dashboard/{store.slug}/team/{agent.pk}/role/", {"role": "emperor"}, follow=True
    )
    assert said(response) == ["Choose a role from the list."]
    assert role_of(agent) == Role.AGENT


def test_last_owner_can_neither_leave_nor_step_down(client: Client, team: dict[str, Any]) -> None:
    store, owner = team["store"], team["owner"]
    as_member(client, owner)
    leave = client.post(f"/en/dashboard/{store.slug}/team/{owner.pk}/remove/", follow=True)
    assert said(leave) == ["A store needs at least one owner."]
    assert Membership.objects.filter(pk=owner.pk).exists()
    with pytest.raises(services.ValidationError, match=r"A store needs at least one owner\."):
        services.change_role(actor=owner, membership=owner, role=Role.ADMIN)


def test_a_second_owner_lets_the_first_leave(client: Client, team: dict[str, Any]) -> None:
    store, owner, admin = team["store"], team["owner"], team["admin"]
    services.change_role(actor=owner, membership=admin, role=Role.OWNER)
    as_member(client, owner)
    response = client.post(f"/en/dashboard/{store.slug}/team/{owner.pk}/remove/", follow=True)
    assert response.redirect_chain == [("/en/dashboard/", 302)]
    assert said(response) == [f"You have left {store.name}."]
    assert not Membership.objects.filter(pk=owner.pk).exists()
    assert client.get(f"/en/dashboard/{store.slug}/").status_code == 404


def test_agent_cannot_invite_change_or_remove_but_can_leave(
    client: Client, team: dict[str, Any]
) -> None:
    store, owner, admin, agent = team["store"], team["owner"], team["admin"], team["agent"]
    as_member(client, agent)
    invite = client.post(
        f"/en/dashboard/{store.slug}/team/invite/",
        {"email": "friend@example.com", "role": Role.AGENT},
    )
    assert invite.status_code == 403
    assert not Invitation.objects.filter(store=store).exists()
    change = client.post(f"/en/dashboard/{store.slug}/team/{admin.pk}/role/", {"role": Role.AGENT})
    assert change.status_code == 403
    assert role_of(admin) == Role.ADMIN
    remove = client.post(f"/en/dashboard/{store.slug}/team/{owner.pk}/remove/", follow=True)
    assert said(remove) == ["Your role does not allow this."]
    assert client.get(f"/en/dashboard/{store.slug}/settings/").status_code == 403
    page = client.get(f"/en/dashboard/{store.slug}/team/").content.decode()
    assert "Send invitation" not in page
    leave = client.post(f"/en/dashboard/{store.slug}/team/{agent.pk}/remove/", follow=True)
    assert leave.redirect_chain == [("/en/dashboard/", 302)]
    assert not Membership.objects.filter(pk=agent.pk).exists()


def test_admin_removes_an_agent(client: Client, team: dict[str, Any]) -> None:
    store, agent = team["store"], team["agent"]
    as_member(client, team["admin"])
    response = client.post(f"/en/dashboard/{store.slug}/team/{agent.pk}/remove/", follow=True)
    assert said(response) == ["agent@example.com is no longer on the team."]
    assert not Membership.objects.filter(pk=agent.pk).exists()


def test_strangers_and_visitors(
    client: Client, team: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    store = team["store"]
    anonymous = client.get(f"/en/dashboard/{store.slug}/team/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/en/accounts/login/")
    client.force_login(make_user())
    assert client.get(f"/en/dashboard/{store.slug}/team/").status_code == 404
    assert client.get("/en/dashboard/no-such-store/team/").status_code == 404
