"""Moyasar (Saudi Arabia and the Gulf): hosted invoices, webhooks with a secret token.

`start` creates an invoice (`POST /v1/invoices`, amount in halalas, basic auth with the secret
key) and sends the buyer to its `url`. Moyasar's webhook carries the `secret_token` set in
its dashboard; it must equal the one stored here. On the buyer's return, and for the
reconciliation job, the invoice is fetched again, so a forged return cannot pay an order.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx
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
    json_or_error,
)

if TYPE_CHECKING:
    from dukkan.checkout.models import Order

FAILED_EVENTS = {"payment_failed", "payment_faild"}  # the docs spell it both ways


class MoyasarProvider(PaymentProvider):
    code = "moyasar"
    label = _("mada, Visa, Mastercard or Apple Pay (Moyasar)")
    currencies = frozenset({"SAR", "AED", "KWD", "BHD", "QAR", "OMR", "USD", "EUR"})
    config_fields = (
        ConfigField("secret_key", _("Moyasar secret key"), secret=True),
        ConfigField("webhook_secret", _("Moyasar webhook secret token"), secret=True),
    )
    default_api_base = "https://api.moyasar.com"

    def _request(self, method: str, path: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
        key = self.config.get("secret_key", "")
        if not key:
            raise ProviderError("Moyasar is not configured (no secret key)")
        try:
            with self.client(auth=(key, "")) as client:
                response = client.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            raise ProviderError(f"Moyasar could not be reached: {error}") from error
        return response.status_code, json_or_error(response)

    def start(self, order: Order, urls: Urls) -> StartResult:
        status, data = self._request(
            "POST",
            "/v1/invoices",
            json={
                "amount": order.total_minor,
                "currency": order.currency,
                "description": f"{order.store.name} — #{order.number}",
                "success_url": urls.return_url,
                "back_url": urls.order_url,
                "metadata": {"order_token": order.token, "order_number": order.number},
            },
        )
        if status not in (200, 201) or not data.get("url"):
            raise ProviderError(f"Moyasar refused the invoice: {data.get('message') or status}")
        return StartResult(
            redirect_url=str(data["url"]), reference=str(data["id"]), raw={"invoice": data["id"]}
        )

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> PaymentUpdate:
        expected = self.config.get("webhook_secret", "")
        if not expected:
            raise SignatureError("no Moyasar webhook secret configured")
        try:
            event = json.loads(body)
            given = str(event.get("secret_token", ""))
        except (ValueError, AttributeError) as error:
            raise SignatureError("malformed Moyasar event") from error
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise SignatureError("secret token does not match")
        try:
            return self._event_update(event)
        except (KeyError, TypeError, ValueError) as error:
            raise SignatureError(f"malformed Moyasar event: {error}") from error

    def _event_update(self, event: dict[str, Any]) -> PaymentUpdate:
        payment = event["data"]
        metadata = payment.get("metadata") or {}
        common: dict[str, Any] = {
            "event_id": str(event["id"]),
            "order_token": str(metadata.get("order_token", "")),
            "reference": str(payment.get("invoice_id") or ""),
            "raw": {"payment_id": payment.get("id", "")},
        }
        if event["type"] == "payment_paid" and payment.get("status") == "paid":
            return PaymentUpdate(
                outcome=Outcome.PAID,
                amount_minor=int(payment["amount"]),
                currency=str(payment["currency"]),
                **common,
            )
        if event["type"] in FAILED_EVENTS:
            return PaymentUpdate(
                outcome=Outcome.FAILED,
                note=str(payment.get("source", {}).get("message", "")),
                **common,
            )
        return PaymentUpdate(outcome=Outcome.IGNORED, **common)

    def fetch_status(self, order: Order) -> PaymentUpdate | None:
        if not order.provider_reference:
            return None
        status, invoice = self._request("GET", f"/v1/invoices/{order.provider_reference}")
        if status != 200:
            raise ProviderError(f"Moyasar answered {status}")
        if invoice.get("status") == "paid":
            paid = [p for p in invoice.get("payments") or [] if p.get("status") == "paid"]
            return PaymentUpdate(
                outcome=Outcome.PAID,
                event_id=f"invoice:{invoice['id']}:paid",
                order_token=order.token,
                reference=str(invoice["id"]),
                amount_minor=int(invoice["amount"]),
                currency=str(invoice["currency"]),
                raw={"payment_id": paid[0]["id"] if paid else ""},
            )
        if invoice.get("status") in ("expired", "canceled", "failed"):
            return PaymentUpdate(
                outcome=Outcome.FAILED,
                event_id=f"invoice:{invoice['id']}:{invoice['status']}",
                reference=str(invoice["id"]),
                note=str(invoice["status"]),
            )
        return None

    def handle_return(self, order: Order, params: Mapping[str, str]) -> PaymentUpdate | None:
        # Never trust the query string: ask Moyasar.
        return self.fetch_status(order)

    def refund(self, order: Order, amount_minor: int) -> RefundOutcome | None:
        from dukkan.checkout.models import Payment

        payment = (
            Payment.objects.filter(order=order, provider=self.code)
            .exclude(raw__payment_id="")
            .filter(raw__has_key="payment_id")
            .order_by("-pk")
            .first()
        )
        if payment is None:
            raise ProviderError("no Moyasar payment to refund")
        status, data = self._request(
            "POST",
            f"/v1/payments/{payment.raw['payment_id']}/refund",
            json={"amount": amount_minor},
        )
        if status not in (200, 201):
            raise ProviderError(f"Moyasar refused the refund: {data.get('message') or status}")
        return RefundOutcome(reference=str(data.get("id", "")), status=str(data.get("status", "")))
