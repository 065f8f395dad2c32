"""Team invitations end to end: owner invites → mail → invitee signs up → accepts → member."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from dukkan.accounts.models import Invitation, Membership, Role
from dukkan.accounts.selectors import invitation_token
from tests.accounts.conftest import link_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

Deliver = Callable[[Callable[[], Any]], Any]


def invite_through_page(client: Client, store: Any, email: str, role: str, deliver: Deliver) -> Any:
    response = deliver(
        lambda: client.post(
            f"/en/dashboard/{store.slug}/team/invite/", {"email": email, "role": role}
        )
    )
    return response


def test_invitation_end_to_end(
    client: Client, make_store: Callable[..., Any], deliver: Deliver
) -> None:
    store = make_store(name="Kotob")
    client.force_login(store.accounts_memberships.get().user)
    response = invite_through_page(client, store, "New.Agent@Example.com", Role.AGENT, deliver)
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["new.agent@example.com"]]
    assert "Kotob" in mail.outbox[0].subject
    link = link_in(mail.outbox[0])
    client.logout()

    invitee = Client()
    page = invitee.get(link)
    assert page.status_code == 200
    assert "new.agent@example.com" in page.content.decode()
    signup = invitee.post(
        f"/en/accounts/signup/?next={link}",
        {
            "email": "new.agent@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": link,
        },
    )
    assert signup["Location"] == link
    accepted = deliver(lambda: invitee.post(link))
    assert accepted.status_code == 302
    assert accepted["Location"] == f"/en/dashboard/{store.slug}/"
    membership = Membership.objects.get(store=store, user__email="new.agent@example.com")
    assert membership.role == Role.AGENT
    assert Invitation.objects.get(store=store).accepted_at is not None
    # The welcome mail follows the membership, through the worker.
    assert mail.outbox[-1].to == ["new.agent@example.com"]
    assert "Kotob" in mail.outbox[-1].subject
    assert invitee.get(f"/en/dashboard/{store.slug}/").status_code == 200

    reused = invitee.get(link)
    assert reused.status_code == 410
    assert "This invitation was already accepted." in reused.content.decode()


def test_invitation_accepted_by_another_address_is_refused(
    client: Client, make_store: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    store = make_store()
    owner = store.accounts_memberships.get()
    invitation = Invitation.objects.create(store=store, email="right@example.com", role=Role.ADMIN)
    client.force_login(make_user("wrong@example.com"))
    response = client.post(f"/en/invitations/{invitation_token(invitation)}/")
    assert response.status_code == 400
    assert (
        "This invitation was sent to right@example.com; sign in with that address to accept it."
        in response.content.decode()
    )
    assert list(Membership.objects.filter(store=store)) == [owner]


@pytest.mark.parametrize(
    ("spoil", "status", "message"),
    [
        (
            lambda inv: inv.__class__.objects.filter(pk=inv.pk).update(
                expires_at=timezone.now() - timedelta(minutes=1)
            ),
            410,
            "This invitation has expired. Ask the store for a new one.",
        ),
        (
            lambda inv: inv.__class__.objects.filter(pk=inv.pk).update(revoked_at=timezone.now()),
            410,
            "This invitation was withdrawn by the store.",
        ),
        (
            lambda inv: inv.__class__.objects.filter(pk=inv.pk).update(accepted_at=timezone.now()),
            410,
            "This invitation was already accepted.",
        ),
    ],
    ids=["expired", "revoked", "reused"],
)
def test_unusable_invitations_say_why(
    client: Client,
    make_store: Callable[..., Any],
    make_user: Callable[..., Any],
    spoil: Callable[[Invitation], None],
    status: int,
    message: str,
) -> None:
    store = make_store()
    invitation = Invitation.objects.create(store=store, email="late@example.com", role=Role.AGENT)
    spoil(invitation)
    client.force_login(make_user("late@example.com"))
    link = f"/en/invitations/{invitation_token(invitation)}/"
    for response in (client.get(link), client.post(link)):
        assert response.status_code == status
        assert message in response.content.decode()
    assert not Membership.objects.filter(store=store, user__email="late@example.com").exists()


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "forged",  # a real token with its signature changed
    ],
)
def test_forged_invitation_links_are_refused(
    client: Client, make_store: Callable[..., Any], make_user: Callable[..., Any], token: str
) -> None:
    store = make_store()
    invitation = Invitation.objects.create(store=store, email="eve@example.com", role=Role.OWNER)
    if token == "forged":
        real = invitation_token(invitation)
        token = real[:-4] + ("AAAA" if not real.endswith("AAAA") else "BBBB")
    client.force_login(make_user("eve@example.com"))
    for response in (
        client.get(f"/en/invitations/{token}/"),
        client.post(f"/en/invitations/{token}/"),
    ):
        assert response.status_code == 404
        assert "This invitation link is not valid." in response.content.decode()
    assert not Membership.objects.filter(store=store, user__email="eve@example.com").exists()


def test_signed_out_visitor_accepting_is_sent_to_sign_in(
    client: Client, make_store: Callable[..., Any]
) -> None:
    store = make_store()
    invitation = Invitation.objects.create(store=store, email="x@example.com", role=Role.AGENT)
    link = f"/en/invitations/{invitation_token(invitation)}/"
    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == f"/en/accounts/login/?next={link}"
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is None


def test_invite_form_bad_input(
    client: Client, make_store: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    store = make_store()
    owner = store.accounts_memberships.get().user
    client.force_login(owner)
    url = f"/en/dashboard/{store.slug}/team/invite/"
    bad_email = client.post(url, {"email": "not-an-address", "role": Role.AGENT})
    assert bad_email.status_code == 400
    assert "Enter a valid email address." in bad_email.content.decode()
    bad_role = client.post(url, {"email": "a@example.com", "role": "emperor"})
    assert bad_role.status_code == 400
    assert (
        "Select a valid choice. emperor is not one of the available choices."
        in bad_role.content.decode()
    )
    member = client.post(url, {"email": owner.email, "role": Role.AGENT})
    assert member.status_code == 400
    assert f"{owner.email} is already on this store&#x27;s team." in member.content.decode()
    assert not Invitation.objects.filter(store=store).exists()


def test_revoking_an_invitation(
    client: Client, make_store: Callable[..., Any], deliver: Deliver
) -> None:
    store = make_store()
    client.force_login(store.accounts_memberships.get().user)
    invite_through_page(client, store, "maybe@example.com", Role.AGENT, deliver)
    invitation = Invitation.objects.get(store=store)
    response = client.post(f"/en/dashboard/{store.slug}/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    page = client.get(link_in(mail.outbox[0]))
    assert page.status_code == 410
    assert "This invitation was withdrawn by the store." in page.content.decode()


def test_a_new_invitation_replaces_the_old_link(
    client: Client, make_store: Callable[..., Any], deliver: Deliver
) -> None:
    store = make_store()
    client.force_login(store.accounts_memberships.get().user)
    invite_through_page(client, store, "twice@example.com", Role.AGENT, deliver)
    invite_through_page(client, store, "twice@example.com", Role.ADMIN, deliver)
    first, second = (link_in(m) for m in mail.outbox)
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200
