"""Stores with support addresses, a real SMTP server that captures outgoing mail (aiosmtpd),
and a helper that runs the queued tasks as the worker would."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from dukkan.core.tasks import handle_event  # noqa: F401  (registers the task the queue holds)
from dukkan.email_channel import services
from dukkan.email_channel import tasks as email_tasks  # noqa: F401  (registers the tasks)
from tests.processes import free_port

CORPUS = Path(__file__).parent / "corpus"
EXPECTED: dict[str, dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text())
PORTS = range(20400, 20450)


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def run_queued_tasks() -> int:
    """Run every task that is due in the database queue, as `dukkan worker` would."""
    from django_tasks_db.models import DBTaskResult

    from dukkan.core.worker import batch_worker

    worker = batch_worker("pytest-email")
    ran = 0
    while (result := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1
    return ran


@dataclass
class Sink:
    """A real SMTP server; `reply` sets the answer to the next DATA commands."""

    port: int
    received: list[tuple[Envelope, EmailMessage]] = field(default_factory=list)
    reply: str = "250 OK"
    arrived: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if not self.reply.startswith("250"):
            return self.reply
        message = message_from_bytes(envelope.original_content or b"", policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append((envelope, message))
        self.arrived.set()
        return self.reply

    def messages_to(self, address: str) -> list[EmailMessage]:
        return [m for e, m in self.received if address in e.rcpt_tos]


@pytest.fixture
def sink(settings: Any) -> Iterator[Sink]:
    port = free_port(PORTS)
    found = Sink(port)
    controller = Controller(found, hostname="127.0.0.1", port=port, decode_data=False)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield found
    controller.stop()


@pytest.fixture
def shop(make_store: Callable[..., Any]) -> Any:
    store = make_store(slug="cedar", name="Cedar Apps", default_language="en")
    services.add_address(store, "support@cedar.example", name="Cedar Apps Support")
    return store


@pytest.fixture
def warraq(make_store: Callable[..., Any]) -> Any:
    store = make_store(slug="warraq", name="مكتبة الورّاق", default_language="ar")
    services.add_address(store, "support@alwarraq.example")
    return store


@pytest.fixture
def afzoon(make_store: Callable[..., Any]) -> Any:
    store = make_store(slug="afzoon", name="افزون‌سرا", default_language="fa")
    services.add_address(store, "support@afzoonesara.example")
    return store


def mail(
    *,
    sender: str = "dana@customers.example",
    to: str = "support@cedar.example",
    subject: str = "Help with my order",
    body: str = "Hello, my download link does not open.",
    headers: dict[str, str] | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    for name, value in (headers or {}).items():
        message[name] = value
    if "Message-ID" not in (headers or {}):
        from email.utils import make_msgid

        message["Message-ID"] = make_msgid(domain="customers.example")
    message.set_content(body)
    return message.as_bytes()


def big_mail(megabytes: int, to: str = "support@cedar.example") -> bytes:
    """A mail with a PDF of `megabytes` MB, built directly (the email package is slow at it)."""
    import base64

    data = b"%PDF-1.4\n" + b"0" * (megabytes * 1024 * 1024)
    return (
        (
            f"From: big@customers.example\r\nTo: {to}\r\nSubject: Huge scan\r\n"
            'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
            "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe scan is attached.\r\n"
            '--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="scan.pdf"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n"
        ).encode()
        + base64.encodebytes(data).replace(b"\n", b"\r\n")
        + b"--b--\r\n"
    )
