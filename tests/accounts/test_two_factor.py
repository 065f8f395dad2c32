"""TOTP two-factor authentication for staff, through allauth.mfa's real pages."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.test import Client, override_settings

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/en/accounts/login/"
NOTICE = "Protect your store with two-factor authentication."


def code_for(secret: str, periods_ahead: int = 0) -> str:
    """What an authenticator app shows (RFC 6238, 30-second periods)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + periods_ahead))


def sign_in(client: Client, email: str) -> Any:
    return client.post(LOGIN, {"login": email, "password": PASSWORD})


# A tolerance of one period keeps the test right when a 30-second boundary passes mid-test.
@override_settings(MFA_TOTP_TOLERANCE=1)
def test_totp_for_a_team_member(client: Client, make_store: Callable[..., Any]) -> None:
    store = make_store()
    owner = store.accounts_memberships.get().user
    assert sign_in(client, owner.email)["Location"] == "/en/dashboard/"
    assert NOTICE in client.get("/en/dashboard/").content.decode()

    # Turning on 2FA is sensitive: allauth asks for the password once more first.
    ask = client.get("/en/accounts/2fa/totp/activate/")
    assert ask.status_code == 302
    assert ask["Location"].startswith("/en/accounts/reauthenticate/")
    confirmed = client.post(ask["Location"], {"password": PASSWORD})
    assert confirmed["Location"] == "/en/accounts/2fa/totp/activate/"
    page = client.get("/en/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in page.content.decode()  # shown for typing into an app by hand

    # A code from two and a half minutes ahead: well formed, but not valid now.
    wrong = client.post("/en/accounts/2fa/totp/activate/", {"code": code_for(secret, 5)})
    assert "Incorrect code." in wrong.content.decode()
    assert not Authenticator.objects.filter(user=owner).exists()
    activated = client.post("/en/accounts/2fa/totp/activate/", {"code": code_for(secret)})
    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=owner, type=Authenticator.Type.TOTP).exists()
    assert NOTICE not in client.get("/en/dashboard/").content.decode()

    client.post("/en/accounts/logout/")
    first_step = sign_in(client, owner.email)
    assert first_step.status_code == 302
    assert first_step["Location"] == "/en/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session  # the password alone does not sign in
    assert client.get("/en/dashboard/").status_code == 302

    refused = client.post("/en/accounts/2fa/authenticate/", {"code": code_for(secret, 5)})
    assert "Incorrect code." in refused.content.decode()
    assert "_auth_user_id" not in client.session

    accepted = client.post("/en/accounts/2fa/authenticate/", {"code": code_for(secret, 1)})
    assert accepted.status_code == 302
    assert str(client.session["_auth_user_id"]) == str(owner.pk)
    assert client.get(f"/en/dashboard/{store.slug}/").status_code == 200


def test_people_on_no_team_get_no_notice(client: Client, make_user: Callable[..., Any]) -> None:
    customer = make_user()
    client.force_login(customer)
    assert NOTICE not in client.get("/en/dashboard/").content.decode()
