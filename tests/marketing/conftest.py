from __future__ import annotations

import email
import email.policy
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.utils import translation

from dukkan.catalog.services import create_product
from dukkan.checkout import services as checkout_services
from dukkan.checkout.models import Order
from dukkan.marketing import services
from dukkan.marketing.models import Source, Subscriber
from tests import processes


def free_port() -> int:
    """A free port in this app's range (shifted per CI pass by `tests.processes`)."""
    return processes.free_port(range(20700, 20800))


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted in English: a page an earlier test opened in Persian leaves its
    language active in this thread, now that the catalogs translate these strings."""
    with translation.override("en"):
        yield


@dataclass
class Inbox:
    """What a real SMTP server received, parsed; RCPT to `reject` answers 550."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[Envelope] = field(default_factory=list)
    reject: set[str] = field(default_factory=set)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address.lower() in self.reject:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        raw = envelope.original_content or b""
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        self.messages.append(parsed)  # type: ignore[arg-type]
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Inbox]:
    """A real SMTP server (aiosmtpd) on this app's ports; Django's mail goes to it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def shop(make_store: Callable[..., Any]) -> Any:
    return make_store(
        slug="warraq",
        name="مكتبة الورّاق",
        currency="SAR",
        default_language="ar",
        time_zone="Asia/Riyadh",
    )


@pytest.fixture
def make_product() -> Callable[..., Any]:
    def make(store: Any, title: str, price_minor: int = 5000) -> Any:
        return create_product(store, title=title, price_minor=price_minor, visibility="published")

    return make


@pytest.fixture
def buy() -> Callable[..., Order]:
    def make(store: Any, product: Any, email_address: str, language: str = "ar") -> Order:
        order = checkout_services.start_checkout(
            store, product, email=email_address, provider="test", language=language
        )
        return checkout_services.mark_paid(
            order,
            provider="test",
            reference=f"pay-{order.pk}",
            amount_minor=order.total_minor,
            currency=order.currency,
        )

    return make


@pytest.fixture
def subscribed() -> Callable[..., Subscriber]:
    def make(store: Any, email_address: str, language: str = "ar") -> Subscriber:
        return services.subscribe(
            store,
            email_address,
            source=Source.DASHBOARD,
            language=language,
            confirmed_already=True,
        ).subscriber

    return make


@pytest.fixture
def owner_client(client: Any, shop: Any) -> Any:
    from dukkan.accounts.models import Membership

    client.force_login(Membership.objects.filter(store=shop).first().user)  # type: ignore[union-attr]
    return client
