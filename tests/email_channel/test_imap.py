"""Polling a real IMAP mailbox (dovecot): each message once, none skipped, across polls, a
folder recreated under a new UIDVALIDITY, and IDLE."""

from __future__ import annotations

import imaplib
import threading
import time
from typing import Any

import pytest

from dukkan.email_channel import imap
from dukkan.email_channel.models import InboundMessage, SupportAddress
from dukkan.support.models import ConversationEvent
from tests.email_channel.conftest import mail
from tests.email_channel.dovecot import Dovecot, dovecot  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def _client(server: Dovecot) -> imaplib.IMAP4:
    client = imaplib.IMAP4("127.0.0.1", server.port)
    client.login(server.user, server.password)
    return client


def _append(server: Dovecot, *raws: bytes, folder: str = "INBOX") -> None:
    client = _client(server)
    for raw in raws:
        status, _data = client.append(folder, "", imaplib.Time2Internaldate(time.time()), raw)
        assert status == "OK"
    client.logout()


@pytest.fixture
def mailbox(shop: Any, dovecot: Dovecot) -> SupportAddress:  # noqa: F811
    address = SupportAddress.objects.get(store=shop)
    address.imap_host, address.imap_port, address.imap_ssl = "127.0.0.1", dovecot.port, False
    address.imap_user, address.imap_password = dovecot.user, dovecot.password
    address.save()
    return address


def _bodies() -> list[str]:
    return list(
        ConversationEvent.objects.filter(kind="message")
        .order_by("pk")
        .values_list("body", flat=True)
    )


def test_polling_fetches_each_message_once(mailbox: SupportAddress, dovecot: Dovecot) -> None:  # noqa: F811
    _append(dovecot, mail(subject="one", body="first"), mail(subject="two", body="second"))
    assert imap.poll_all() == 2
    assert imap.poll_all() == 0  # nothing twice
    _append(dovecot, mail(subject="three", body="third"))
    assert imap.poll_all() == 1  # nothing skipped
    assert _bodies() == ["first", "second", "third"]
    mailbox.refresh_from_db()
    assert mailbox.imap_last_uid == 3
    assert mailbox.imap_uidvalidity
    assert set(InboundMessage.objects.values_list("source", flat=True)) == {"imap"}


def test_a_recreated_folder_is_read_again_without_duplicates(
    mailbox: SupportAddress,
    dovecot: Dovecot,  # noqa: F811
) -> None:
    SupportAddress.objects.filter(pk=mailbox.pk).update(imap_folder="Support")
    mailbox.refresh_from_db()
    client = _client(dovecot)
    client.create("Support")
    client.logout()
    old = mail(subject="old", body="old message")
    _append(dovecot, old, folder="Support")
    assert imap.poll_all() == 1
    validity = SupportAddress.objects.get(pk=mailbox.pk).imap_uidvalidity
    client = _client(dovecot)
    client.delete("Support")
    client.create("Support")
    client.logout()
    _append(dovecot, old, mail(subject="new", body="new message"), folder="Support")
    assert imap.poll_all() == 2  # both fetched under the new UIDVALIDITY…
    assert SupportAddress.objects.get(pk=mailbox.pk).imap_uidvalidity != validity
    assert _bodies() == ["old message", "new message"]  # …but the old one is not posted twice


def test_a_wrong_password_is_shown_on_the_address(mailbox: SupportAddress) -> None:
    SupportAddress.objects.filter(pk=mailbox.pk).update(imap_password="wrong")
    assert imap.poll_all() == 0
    assert "error" in SupportAddress.objects.get(pk=mailbox.pk).imap_error.lower()


def test_idle_wakes_up_when_mail_arrives(mailbox: SupportAddress, dovecot: Dovecot) -> None:  # noqa: F811
    later = threading.Timer(1.0, _append, args=(dovecot, mail(body="pushed")))
    later.start()
    assert imap.wait(mailbox, seconds=60) is True  # woken by the server, not the time-out
    later.join()
    assert imap.poll(mailbox) == 1
    assert _bodies() == ["pushed"]
