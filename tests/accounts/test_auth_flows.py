"""Sign up, sign in, sign out, wrong passwords and password reset, through the real pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from tests.accounts.conftest import link_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/en/accounts/login/"


def signed_in_user_id(client: Client) -> Any:
    return client.session.get("_auth_user_id")


def test_sign_up_creates_the_account_and_signs_in(client: Client) -> None:
    response = client.post(
        "/en/accounts/signup/",
        {"email": "New.Person@Example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(email__iexact="new.person@example.com")
    assert str(signed_in_user_id(client)) == str(user.pk)
    assert client.get("/en/dashboard/").status_code == 200


def test_sign_up_with_a_taken_address_or_weak_password_explains(
    client: Client, make_user: Callable[..., Any]
) -> None:
    make_user("taken@example.com")
    taken = client.post(
        "/en/accounts/signup/",
        {"email": "taken@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert taken.status_code == 200
    assert "A user is already registered with this email address." in taken.content.decode()
    weak = client.post(
        "/en/accounts/signup/",
        {"email": "weak@example.com", "password1": "1234", "password2": "1234"},
    )
    assert "This password is too short." in weak.content.decode()
    assert not get_user_model().objects.filter(email="weak@example.com").exists()


def test_sign_in_and_sign_out(client: Client, make_user: Callable[..., Any]) -> None:
    user = make_user("owner@example.com")
    response = client.post(LOGIN, {"login": "owner@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/en/dashboard/"
    assert str(signed_in_user_id(client)) == str(user.pk)

    response = client.post("/en/accounts/logout/")
    assert response.status_code == 302
    assert signed_in_user_id(client) is None
    assert client.get("/en/dashboard/")["Location"].startswith(LOGIN)


def test_wrong_password_is_refused_with_a_clear_message(
    client: Client, make_user: Callable[..., Any]
) -> None:
    make_user("owner@example.com")
    response = client.post(LOGIN, {"login": "owner@example.com", "password": "not-the-password"})
    assert response.status_code == 400
    assert (
        "The email address and/or password you specified are not correct."
        in response.content.decode()
    )
    assert signed_in_user_id(client) is None


def test_repeated_wrong_passwords_are_rate_limited(
    client: Client, make_user: Callable[..., Any]
) -> None:
    make_user("owner@example.com")
    for _ in range(5):
        refused = client.post(LOGIN, {"login": "owner@example.com", "password": "guess"})
        assert refused.status_code == 400
    throttled = client.post(LOGIN, {"login": "owner@example.com", "password": "guess"})
    assert throttled.status_code == 429
    assert "Too many failed login attempts. Try again later." in throttled.content.decode()
    # While throttled even the right password does not get in: that is what stops guessing.
    still = client.post(LOGIN, {"login": "owner@example.com", "password": PASSWORD})
    assert still.status_code == 429
    assert signed_in_user_id(client) is None


def test_password_reset_by_email(client: Client, make_user: Callable[..., Any]) -> None:
    make_user("forgetful@example.com")
    response = client.post("/en/accounts/password/reset/", {"email": "forgetful@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["forgetful@example.com"]

    link = link_in(mail.outbox[0])
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    new_password = "a-brand-new-password-2"
    done = client.post(set_password_url, {"password1": new_password, "password2": new_password})
    assert done.status_code == 302

    client.logout()
    old = client.post(LOGIN, {"login": "forgetful@example.com", "password": PASSWORD})
    assert old.status_code == 400
    new = client.post(LOGIN, {"login": "forgetful@example.com", "password": new_password})
    assert new.status_code == 302
    assert signed_in_user_id(client) is not None


def test_password_reset_link_tampered_is_refused(
    client: Client, make_user: Callable[..., Any]
) -> None:
    make_user("forgetful@example.com")
    client.post("/en/accounts/password/reset/", {"email": "forgetful@example.com"})
    link = link_in(mail.outbox[0])
    forged = link.rstrip("/")[:-3] + "zzz/"
    response = client.get(forged, follow=True)
    assert "The password reset link was invalid" in response.content.decode()


def test_password_reset_for_unknown_address_does_not_reveal_it(
    client: Client, make_user: Callable[..., Any]
) -> None:
    make_user("known@example.com")
    known = client.post("/en/accounts/password/reset/", {"email": "known@example.com"})
    unknown = client.post("/en/accounts/password/reset/", {"email": "nobody@example.com"})
    # The page answers alike; only the mailbox's owner learns that there is no account.
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert [m.to for m in mail.outbox] == [["known@example.com"], ["nobody@example.com"]]
