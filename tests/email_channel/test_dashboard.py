"""The store's email page: add and remove addresses (with bad input), see failed mail, retry
it, download the original."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dukkan.accounts.services import add_member
from dukkan.email_channel import services
from dukkan.email_channel.models import InboundMessage, SupportAddress
from tests.conftest import PASSWORD
from tests.email_channel.conftest import corpus

pytestmark = pytest.mark.django_db


def _url(store: Any, name: str = "index", **kwargs: Any) -> str:
    return reverse(f"email_channel:{name}", kwargs={"store_slug": store.slug, **kwargs})


@pytest.fixture
def owner_client(shop: Any, client: Client) -> Client:
    from dukkan.accounts.models import Membership

    owner = Membership.objects.get(store=shop, role="owner").user
    client.login(email=owner.email, password=PASSWORD)
    return client


def test_add_address_and_bad_input(shop: Any, owner_client: Client) -> None:
    page = owner_client.get(_url(shop))
    assert page.status_code == 200
    assert "support@cedar.example" in page.content.decode()
    bad = owner_client.post(
        _url(shop), {"address": "not an address", "imap_port": 993, "imap_folder": "INBOX"}
    )
    assert bad.status_code == 400
    assert "valid email" in bad.content.decode()
    plus = owner_client.post(
        _url(shop), {"address": "help+x@cedar.example", "imap_port": 993, "imap_folder": "INBOX"}
    )
    assert plus.status_code == 400
    assert "cannot contain" in plus.content.decode()
    taken = owner_client.post(
        _url(shop), {"address": "support@cedar.example", "imap_port": 993, "imap_folder": "INBOX"}
    )
    assert taken.status_code == 400
    assert SupportAddress.objects.filter(store=shop).count() == 1
    good = owner_client.post(
        _url(shop),
        {
            "address": "Sales@Cedar.example",
            "name": "Sales",
            "imap_port": 993,
            "imap_folder": "INBOX",
        },
    )
    assert good.status_code == 302
    added = SupportAddress.objects.get(address="sales@cedar.example")
    assert added.webhook_token in owner_client.get(_url(shop)).content.decode()
    owner_client.post(_url(shop, "delete_address", address_id=added.pk))
    assert not SupportAddress.objects.filter(pk=added.pk).exists()


def test_failed_mail_is_listed_retried_and_downloadable(shop: Any, owner_client: Client) -> None:
    raw = corpus("no_from.eml")
    (row,) = services.receive(raw, source="smtp", recipients=["support@cedar.example"])
    page = owner_client.get(_url(shop)).content.decode()
    assert f'data-inbound="{row.pk}" data-status="failed"' in page
    assert "no sender (From) address" in page
    download = owner_client.get(_url(shop, "raw", inbound_id=row.pk))
    assert download["Content-Type"] == "message/rfc822"
    assert download.content == raw
    retried = owner_client.post(_url(shop, "retry", inbound_id=row.pk), follow=True)
    assert "Still not added: no sender (From) address" in retried.content.decode()
    assert InboundMessage.objects.get(pk=row.pk).attempts == 2


def test_agents_cannot_manage_addresses(shop: Any, make_user: Any, client: Client) -> None:
    agent = make_user()
    add_member(store=shop, user=agent, role="agent")
    client.login(email=agent.email, password=PASSWORD)
    assert client.get(_url(shop)).status_code == 403
