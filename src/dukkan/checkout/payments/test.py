"""The `test` provider, for the demo and the tests: the buyer picks the outcome.

Its pay page (in Dukkan) offers success, failure or a delay. Whatever is picked reaches the
order as a webhook signed like Stripe's (`t=<unix time>,v1=HMAC-SHA256(store secret,
"<t>.<body>")`) and goes through the same webhook code path as a real provider; "delay"
leaves the order pending and the signed webhook comes later from the task queue.
"""

from __future__ import annotations

import hmac
import json
import secrets
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from dukkan.checkout.payments.base import (
    Outcome,
    PaymentProvider,
    PaymentUpdate,
    RefundOutcome,
    SignatureError,
    StartResult,
    Urls,
    header,
    hmac_sha256_hex,
)

if TYPE_CHECKING:
    from dukkan.checkout.models import Order

SIGNATURE_HEADER = "Dukkan-Signature"
TOLERANCE_SECONDS = 300
EVENT_TYPES = {"payment.succeeded": Outcome.PAID, "payment.failed": Outcome.FAILED}


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    return f"t={t},v1={hmac_sha256_hex(secret, f'{t}.'.encode() + body)}"


def verify(secret: str, body: bytes, signature: str, *, now: float | None = None) -> None:
    parts: dict[str, list[str]] = {}
    for item in signature.split(","):
        key, _sep, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError) as error:
        raise SignatureError("no timestamp in the signature header") from error
    expected = hmac_sha256_hex(secret, f"{timestamp}.".encode() + body)
    if not any(hmac.compare_digest(expected, given) for given in parts.get("v1", [])):
        raise SignatureError("signature does not match")
    if abs((now if now is not None else time.time()) - timestamp) > TOLERANCE_SECONDS:
        raise SignatureError("timestamp outside the tolerance (replayed?)")


def event_body(
    order: Order, outcome: Outcome, *, reference: str = "", event_id: str | None = None
) -> bytes:
    data: dict[str, Any] = {
        "id": event_id or f"evt_{secrets.token_hex(12)}",
        "type": "payment.succeeded" if outcome == Outcome.PAID else "payment.failed",
        "created": int(time.time()),
        "data": {
            "order": order.token,
            "reference": reference or order.provider_reference,
            "amount_minor": order.total_minor,
            "currency": order.currency,
        },
    }
    return json.dumps(data, separators=(",", ":")).encode()


class TestProvider(PaymentProvider):
    __test__ = False  # not a pytest class
    code = "test"
    label = _("Test payment (demo)")
    can_charge_again = True

    @property
    def secret(self) -> str:
        return self.store.secret

    def start(self, order: Order, urls: Urls) -> StartResult:
        return StartResult(redirect_url=urls.pay_path, reference=f"test_{secrets.token_hex(10)}")

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> PaymentUpdate:
        verify(self.secret, body, header(headers, SIGNATURE_HEADER))
        try:
            event = json.loads(body)
            data = event["data"]
            outcome = EVENT_TYPES.get(event["type"], Outcome.IGNORED)
            return PaymentUpdate(
                outcome=outcome,
                event_id=str(event["id"]),
                order_token=str(data.get("order", "")),
                reference=str(data.get("reference", "")),
                amount_minor=int(data["amount_minor"]) if "amount_minor" in data else None,
                currency=str(data.get("currency", "")),
                raw=event,
            )
        except (ValueError, KeyError, TypeError) as error:
            raise SignatureError(f"malformed test event: {error}") from error

    def fetch_status(self, order: Order) -> PaymentUpdate | None:
        """A delayed test payment counts as paid once its time has come."""
        from dukkan.checkout.models import Payment

        payment = (
            Payment.objects.filter(order=order, provider=self.code, raw__choice="delay")
            .order_by("-pk")
            .first()
        )
        if payment is None or float(payment.raw.get("complete_at", 0)) > time.time():
            return None
        return PaymentUpdate(
            outcome=Outcome.PAID,
            event_id=f"status:{payment.reference}",
            order_token=order.token,
            reference=payment.reference,
            amount_minor=payment.amount_minor,
            currency=payment.currency,
        )

    def refund(self, order: Order, amount_minor: int) -> RefundOutcome | None:
        return RefundOutcome(reference=f"test_re_{secrets.token_hex(8)}", status="succeeded")

    def charge_again(self, order: Order, previous: Order) -> PaymentUpdate | None:
        """The test "bank" charges the card that paid `previous` again (it always agrees)."""
        if previous.provider != self.code or not previous.is_paid:
            return None
        reference = f"test_again_{secrets.token_hex(10)}"
        return PaymentUpdate(
            outcome=Outcome.PAID,
            event_id=f"again:{reference}",
            order_token=order.token,
            reference=reference,
            amount_minor=order.total_minor,
            currency=order.currency,
            raw={"charged_again_from": previous.number},
        )
