"""The one interface every payment provider implements.

A provider is built for one store (`PaymentProvider(store, config)`) from the store's
selling settings. The checkout calls `start` to send the buyer to pay; the provider tells
the outcome through a webhook (`parse_webhook`, which verifies the signature), through the
buyer's return (`handle_return`, which confirms with the provider), or when asked
(`fetch_status`, used by the reconciliation job). `refund` pays money back where the
provider has an API for it. Every answer is a `PaymentUpdate`; the webhook view and the
services turn it into order transitions, so every provider shares one code path.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

import httpx
from django.utils.functional import Promise

if TYPE_CHECKING:
    from dukkan.checkout.models import Order
    from dukkan.core.models import Store


class SignatureError(Exception):
    """The notification is not from the provider (bad, missing or stale signature)."""


class ProviderError(Exception):
    """The provider refused, or could not be reached, or answered something unexpected."""


class Outcome(StrEnum):
    PAID = "paid"
    FAILED = "failed"
    PENDING = "pending"
    IGNORED = "ignored"  # a notification about something this app does not act on


@dataclass(frozen=True)
class StartResult:
    """Where to send the buyer, and the provider's reference for this attempt."""

    redirect_url: str
    reference: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PaymentUpdate:
    outcome: Outcome
    event_id: str = ""  # unique per provider: the webhook's id, or one made from the payment
    order_token: str = ""  # our order token, when the provider echoes it back
    reference: str = ""  # the provider's payment reference (session, capture, authority…)
    amount_minor: int | None = None
    currency: str = ""
    raw: dict[str, Any] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class RefundOutcome:
    reference: str
    status: str


@dataclass(frozen=True)
class ConfigField:
    name: str
    label: str | Promise
    secret: bool = False
    required: bool = True


@dataclass(frozen=True)
class Urls:
    """Absolute addresses the provider sends the buyer (and its notifications) back to."""

    return_url: str  # the buyer comes back here after paying (or giving up)
    order_url: str  # the order's status page
    webhook_url: str
    order_path: str = ""  # the order page on this site (for redirects that stay here)
    pay_path: str = ""  # the test provider's own pay page, on this site


class PaymentProvider:
    code: ClassVar[str] = ""
    label: ClassVar[str | Promise] = ""
    config_fields: ClassVar[tuple[ConfigField, ...]] = ()
    currencies: ClassVar[frozenset[str] | None] = None  # None: any
    has_webhook: ClassVar[bool] = True
    can_charge_again: ClassVar[bool] = False  # see `charge_again`
    default_api_base: ClassVar[str] = ""

    def __init__(self, store: Store, config: Mapping[str, str]) -> None:
        self.store = store
        self.config = dict(config)

    # The API address can be changed only from the stored configuration (never the
    # dashboard form): sandboxes and the tests' local fake servers use it.
    @property
    def api_base(self) -> str:
        return (self.config.get("api_base") or self.default_api_base).rstrip("/")

    def is_configured(self) -> bool:
        return all(self.config.get(f.name) for f in self.config_fields if f.required)

    def supports(self, currency: str) -> bool:
        return self.currencies is None or currency in self.currencies

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.api_base, timeout=20.0, **kwargs)

    def start(self, order: Order, urls: Urls) -> StartResult:
        raise NotImplementedError

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> PaymentUpdate:
        raise SignatureError(f"{self.code} sends no webhooks")

    def handle_return(self, order: Order, params: Mapping[str, str]) -> PaymentUpdate | None:
        """The buyer came back from the provider; confirm with it where that is the flow."""
        return None

    def fetch_status(self, order: Order) -> PaymentUpdate | None:
        """Ask the provider what became of the order's payment; None: it cannot tell."""
        return None

    def refund(self, order: Order, amount_minor: int) -> RefundOutcome | None:
        """Pay back `amount_minor`; None: this provider has no refund API (pay back by hand)."""
        return None

    def charge_again(self, order: Order, previous: Order) -> PaymentUpdate | None:
        """Charge the method that paid `previous` for `order` (a one-click upsell), without
        sending the buyer anywhere; None: this provider cannot (the buyer checks out)."""
        return None


def hmac_sha256_hex(secret: str | bytes, message: bytes) -> str:
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def header(headers: Mapping[str, str], name: str) -> str:
    """A header value, whatever the case of its name."""
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return ""


def json_or_error(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError as error:
        raise ProviderError(f"HTTP {response.status_code}: not JSON") from error
    if not isinstance(data, dict):
        raise ProviderError(f"HTTP {response.status_code}: unexpected answer")
    return data
