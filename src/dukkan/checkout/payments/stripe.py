"""Stripe Checkout: a hosted page for cards, Apple Pay and Google Pay.

`start` creates a Checkout Session (one line for the order's total, our order token as
`client_reference_id`) and sends the buyer to its URL. Webhooks are verified with the
official package (`stripe.Webhook.construct_event`: `Stripe-Signature: t=…,v1=…`, HMAC-SHA256
of "t.body" with the endpoint's signing secret, five minutes of tolerance).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import stripe as stripe_sdk
from django.utils.translation import gettext_lazy as _

from dukkan.checkout.payments.base import (
    ConfigField,
    Outcome,
    PaymentProvider,
    PaymentUpdate,
    ProviderError,
    RefundOutcome,
    SignatureError,
    StartResult,
    Urls,
    header,
)

if TYPE_CHECKING:
    from dukkan.checkout.models import Order

# Stripe takes ISO minor units for these; it does not take IRR at all.
UNSUPPORTED = frozenset({"IRR", "IQD", "KWD", "BHD", "JOD", "OMR", "TND", "LYD"})
PAID_EVENTS = {"checkout.session.completed", "checkout.session.async_payment_succeeded"}
FAILED_EVENTS = {"checkout.session.async_payment_failed", "checkout.session.expired"}


class StripeProvider(PaymentProvider):
    code = "stripe"
    label = _("Card, Apple Pay or Google Pay (Stripe)")
    config_fields = (
        ConfigField("secret_key", _("Stripe secret key"), secret=True),
        ConfigField("webhook_secret", _("Stripe webhook signing secret"), secret=True),
    )
    default_api_base = "https://api.stripe.com"

    def supports(self, currency: str) -> bool:
        return currency not in UNSUPPORTED

    def _client(self) -> stripe_sdk.StripeClient:
        key = self.config.get("secret_key", "")
        if not key:
            raise ProviderError("Stripe is not configured (no secret key)")
        return stripe_sdk.StripeClient(
            key, base_addresses={"api": self.api_base}, max_network_retries=1
        )

    def start(self, order: Order, urls: Urls) -> StartResult:
        title = ", ".join(line.title for line in order.lines.all())[:250] or f"#{order.number}"
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": [
                {
                    "price_data": {
                        "currency": order.currency.lower(),
                        "unit_amount": order.total_minor,
                        "product_data": {"name": title},
                    },
                    "quantity": 1,
                }
            ],
            "customer_email": order.email,
            "client_reference_id": order.token,
            "metadata": {"order_number": order.number, "order_token": order.token},
            "success_url": urls.return_url + "?session_id={CHECKOUT_SESSION_ID}",
            "cancel_url": urls.order_url,
            "locale": "auto",
        }
        try:
            session = self._client().v1.checkout.sessions.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": f"dukkan-order-{order.token}"},
            )
        except stripe_sdk.StripeError as error:
            raise ProviderError(str(error.user_message or error)) from error
        if not session.url:
            raise ProviderError("Stripe returned no checkout URL")
        return StartResult(
            redirect_url=session.url, reference=session.id, raw={"session": session.id}
        )

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> PaymentUpdate:
        secret = self.config.get("webhook_secret", "")
        if not secret:
            raise SignatureError("no webhook signing secret configured")
        try:
            stripe_sdk.Webhook.construct_event(body, header(headers, "Stripe-Signature"), secret)
        except (stripe_sdk.SignatureVerificationError, ValueError) as error:
            raise SignatureError(str(error)) from error
        event = json.loads(body)
        return self._update(event)

    def _update(self, event: dict[str, Any]) -> PaymentUpdate:
        kind = event.get("type", "")
        session = (event.get("data") or {}).get("object") or {}
        common: dict[str, Any] = {
            "event_id": str(event.get("id", "")),
            "order_token": str(session.get("client_reference_id") or ""),
            "reference": str(session.get("id") or ""),
            "raw": {"payment_intent": session.get("payment_intent") or ""},
        }
        if session.get("object") != "checkout.session":
            return PaymentUpdate(outcome=Outcome.IGNORED, **common)
        if kind in PAID_EVENTS and session.get("payment_status") == "paid":
            return PaymentUpdate(
                outcome=Outcome.PAID,
                amount_minor=int(session["amount_total"]),
                currency=str(session.get("currency", "")).upper(),
                **common,
            )
        if kind in FAILED_EVENTS:
            return PaymentUpdate(outcome=Outcome.FAILED, note=kind, **common)
        return PaymentUpdate(outcome=Outcome.IGNORED, **common)

    def fetch_status(self, order: Order) -> PaymentUpdate | None:
        if not order.provider_reference:
            return None
        try:
            session = self._client().v1.checkout.sessions.retrieve(order.provider_reference)
        except stripe_sdk.StripeError as error:
            raise ProviderError(str(error)) from error
        data = session.to_dict()
        if data.get("payment_status") == "paid":
            update = self._update(
                {
                    "id": f"status:{session.id}",
                    "type": "checkout.session.completed",
                    "data": {"object": data},
                }
            )
            return update
        if data.get("status") == "expired":
            return PaymentUpdate(
                outcome=Outcome.FAILED,
                event_id=f"status:{session.id}:expired",
                reference=session.id,
                note="session expired",
            )
        return None

    def handle_return(self, order: Order, params: Mapping[str, str]) -> PaymentUpdate | None:
        if params.get("session_id") != order.provider_reference:
            return None
        return self.fetch_status(order)

    def refund(self, order: Order, amount_minor: int) -> RefundOutcome | None:
        client = self._client()
        try:
            session = client.v1.checkout.sessions.retrieve(order.provider_reference)
            intent = session.payment_intent
            intent_id = intent if isinstance(intent, str) else getattr(intent, "id", "")
            if not intent_id:
                raise ProviderError("the session has no payment to refund")
            made = client.v1.refunds.create(
                params={"payment_intent": intent_id, "amount": amount_minor},
                options={"idempotency_key": f"dukkan-refund-{order.token}-{order.refunded_minor}"},
            )
        except stripe_sdk.StripeError as error:
            raise ProviderError(str(error.user_message or error)) from error
        return RefundOutcome(reference=made.id, status=str(made.status))
