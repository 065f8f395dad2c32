"""`dukkan smtpd` as a real process, fed by smtplib: recipients checked, sizes limited,
STARTTLS offered with a certificate; and the whole round trip from a chat the visitor left
to their emailed reply showing in the inbox and in the widget."""

from __future__ import annotations

import datetime
import json
import smtplib
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dukkan.accounts.services import add_member
from dukkan.email_channel.models import InboundMessage
from dukkan.support import services as support
from dukkan.support.models import ConversationEvent, Visitor
from tests.conftest import PASSWORD
from tests.email_channel.conftest import PORTS, Sink, mail
from tests.processes import Process, clean_environ, database_url, free_port, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def _certificate(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def receiver(tmp_path: Path, shop: Any) -> Iterator[int]:
    port = free_port(PORTS)
    cert, key = _certificate(tmp_path)
    env = clean_environ(tmp_path / "data", DATABASE_URL=database_url(), DUKKAN_LOG_FORMAT="console")
    process = Process(
        [
            "smtpd",
            "--port",
            str(port),
            "--tls-cert",
            str(cert),
            "--tls-key",
            str(key),
            "--max-size",
            "1",
        ],
        env,
        tmp_path / "smtpd.log",
    )
    wait_until(
        lambda: "receiving mail" in process.output, "dukkan smtpd to start", [process], limit=60
    )
    yield port
    process.stop()


def test_smtp_delivery_with_starttls_and_refusals(receiver: int) -> None:
    with smtplib.SMTP("127.0.0.1", receiver, timeout=30) as client:
        client.ehlo()
        assert client.has_extn("starttls")
        client.starttls(context=ssl._create_unverified_context())
        client.ehlo()
        refused = client.sendmail(
            "dana@customers.example", ["support@cedar.example"], mail(body="over TLS")
        )
        assert refused == {}
        with pytest.raises(smtplib.SMTPRecipientsRefused) as unknown:
            client.sendmail("dana@customers.example", ["stranger@cedar.example"], mail())
        assert unknown.value.recipients["stranger@cedar.example"][0] == 550
        # Over --max-size: refused up front (SIZE), the sender's server keeps it and says so.
        with pytest.raises(smtplib.SMTPSenderRefused) as too_big:
            client.sendmail(
                "dana@customers.example", ["support@cedar.example"], mail(body="x" * 1_200_000)
            )
        assert too_big.value.smtp_code == 552
    (row,) = InboundMessage.objects.all()  # stored before the 250 came back
    assert row.status == "posted"
    assert row.source == "smtp"
    assert ConversationEvent.objects.get(kind="message").body == "over TLS"


def test_round_trip_from_chat_to_email_and_back(
    receiver: int, shop: Any, make_user: Any, sink: Sink, client: Client
) -> None:
    from dukkan.inbox.notifications import send_due_notices

    agent = make_user("omar@cedar.example")
    add_member(store=shop, user=agent, role="agent")
    # The visitor chats in the widget, gives an email, and leaves.
    visitor = support.create_visitor(
        shop, name="Dana", email="dana@customers.example", language="en"
    )
    conversation = support.start_conversation(visitor)
    support.post_message(conversation, author_kind="visitor", body="Is there a student discount?")
    Visitor.objects.filter(pk=visitor.pk).update(
        last_seen_at=timezone.now() - datetime.timedelta(hours=1)
    )
    # Two agent replies in a burst: one email.
    support.post_message(conversation, author_kind="agent", author=agent, body="Yes: 30% off.")
    support.post_message(conversation, author_kind="agent", author=agent, body="Code STUDENT30.")
    outcome = send_due_notices(now=timezone.now() + datetime.timedelta(hours=1))
    assert outcome.customer == 1
    (emailed,) = sink.messages_to("dana@customers.example")
    text = emailed.get_body(("plain",)).get_content()
    assert "30% off" in text
    assert "STUDENT30" in text
    reply_to = emailed["Reply-To"]
    assert reply_to.startswith("support+c")
    assert reply_to.endswith("@cedar.example")
    assert send_due_notices(now=timezone.now() + datetime.timedelta(hours=2)).customer == 0
    # The visitor answers from their mail client, through the SMTP receiver.
    answer = mail(
        to=reply_to,
        subject=f"Re: {emailed['Subject']}",
        body="Thank you!\n\nOn Monday, Cedar Apps <support@cedar.example> wrote:\n> Yes: 30% off.",
        headers={"In-Reply-To": emailed["Message-ID"], "References": emailed["Message-ID"]},
    )
    with smtplib.SMTP("127.0.0.1", receiver, timeout=30) as smtp:
        smtp.sendmail("dana@customers.example", [reply_to], answer)
    last = (
        ConversationEvent.objects.filter(conversation=conversation, kind="message")
        .order_by("-seq")
        .first()
    )
    assert last is not None
    assert last.author_kind == "visitor"
    assert last.body == "Thank you!"
    # In the agent's inbox…
    client.login(email=agent.email, password=PASSWORD)
    page = client.get(
        reverse(
            "inbox:conversation",
            kwargs={"store_slug": shop.slug, "conversation_id": conversation.pk},
        )
    )
    assert "Thank you!" in page.content.decode()
    assert 'data-role="mail-meta"' in page.content.decode()
    client.logout()
    # …and in the widget's history when the visitor comes back.
    token = support.issue_visitor_token(visitor)
    history = client.get(
        f"/chat/{shop.slug}/poll",
        {"conversation": conversation.pk, "after": 0, "wait": 0},
        HTTP_X_DUKKAN_VISITOR=token,
    ).json()
    last_frame = json.dumps(history["frames"][-1], ensure_ascii=False)
    assert "Thank you!" in last_frame, history
