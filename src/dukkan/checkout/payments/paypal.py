"""PayPal Orders v2: create an order, send the buyer to approve it, capture on return.

Webhooks are verified locally, as PayPal documents: the message
`<transmission id>|<transmission time>|<webhook id>|<CRC32 of the raw body>` must carry a valid
RSA-SHA256 signature (`PAYPAL-TRANSMISSION-SIG`, base64) under the public key of the X.509
certificate at `PAYPAL-CERT-URL`. The certificate is fetched only from PayPal's own hosts
(https, `*.paypal.com`, or the configured API address for a sandbox), checked for its validity
dates and cached. (PayPal's alternative, the verify-webhook-signature API, needs a call back
to PayPal for every event; the local check needs one download per certificate.)
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
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
    json_or_error,
)
from dukkan.core.money import minor_to_decimal

if TYPE_CHECKING:
    from dukkan.checkout.models import Order

# Currencies PayPal accepts with ISO minor units (HUF and TWD take no decimals there: left out).
CURRENCIES = frozenset(
    [
        "AUD",
        "BRL",
        "CAD",
        "CNY",
        "CZK",
        "DKK",
        "EUR",
        "HKD",
        "ILS",
        "JPY",
        "MYR",
        "MXN",
        "NZD",
        "NOK",
        "PHP",
        "PLN",
        "GBP",
        "SGD",
        "SEK",
        "CHF",
        "THB",
        "USD",
    ]
)
_certificates: dict[str, x509.Certificate] = {}


def crc32(body: bytes) -> int:
    return zlib.crc32(body) & 0xFFFFFFFF


def signed_message(transmission_id: str, time: str, webhook_id: str, body: bytes) -> bytes:
    return f"{transmission_id}|{time}|{webhook_id}|{crc32(body)}".encode()


def to_minor(value: str, currency: str) -> int:
    amount = Decimal(value) * (10 ** (2 if currency not in {"JPY"} else 0))
    if amount != amount.to_integral_value():
        raise ProviderError(f"amount {value} has too many decimals")
    return int(amount)


class PayPalProvider(PaymentProvider):
    code = "paypal"
    label = _("PayPal")
    currencies = CURRENCIES
    config_fields = (
        ConfigField("client_id", _("PayPal client ID")),
        ConfigField("client_secret", _("PayPal client secret"), secret=True),
        ConfigField("webhook_id", _("PayPal webhook ID")),
    )
    default_api_base = "https://api-m.paypal.com"

    def _token(self, client: httpx.Client) -> str:
        response = client.post(
            "/v1/oauth2/token",
            data={"grant_type": "client_credentials"},
            auth=(self.config.get("client_id", ""), self.config.get("client_secret", "")),
        )
        data = json_or_error(response)
        if response.status_code != 200 or "access_token" not in data:
            raise ProviderError(f"PayPal refused the credentials ({response.status_code})")
        return str(data["access_token"])

    def _call(self, method: str, path: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
        try:
            with self.client() as client:
                token = self._token(client)
                headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
                response = client.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as error:
            raise ProviderError(f"PayPal could not be reached: {error}") from error
        return response.status_code, json_or_error(response)

    def start(self, order: Order, urls: Urls) -> StartResult:
        value = str(minor_to_decimal(order.total_minor, order.currency))
        body = {
            "intent": "CAPTURE",
            "purchase_units": [
                {
                    "reference_id": order.number,
                    "custom_id": order.token,
                    "invoice_id": f"{order.store.slug}-{order.number}",
                    "amount": {"currency_code": order.currency, "value": value},
                }
            ],
            "payment_source": {
                "paypal": {
                    "experience_context": {
                        "brand_name": order.store.name[:127],
                        "user_action": "PAY_NOW",
                        "shipping_preference": "NO_SHIPPING",
                        "return_url": urls.return_url,
                        "cancel_url": urls.order_url,
                    }
                }
            },
        }
        status, data = self._call(
            "POST",
            "/v2/checkout/orders",
            json=body,
            headers={"PayPal-Request-Id": f"dukkan-{order.token}"},
        )
        if status not in (200, 201):
            raise ProviderError(f"PayPal refused the order: {data.get('message') or status}")
        link = next(
            (
                item["href"]
                for item in data.get("links", [])
                if item.get("rel") in ("payer-action", "approve")
            ),
            "",
        )
        if not link:
            raise ProviderError("PayPal returned no approval link")
        return StartResult(
            redirect_url=link, reference=str(data["id"]), raw={"paypal_order": data["id"]}
        )

    def _from_order(self, data: dict[str, Any], event_id: str) -> PaymentUpdate | None:
        unit = (data.get("purchase_units") or [{}])[0]
        captures = (unit.get("payments") or {}).get("captures") or []
        capture = captures[0] if captures else {}
        if data.get("status") == "COMPLETED" and capture.get("status") == "COMPLETED":
            amount = capture["amount"]
            return PaymentUpdate(
                outcome=Outcome.PAID,
                event_id=event_id or f"capture:{capture['id']}",
                order_token=str(unit.get("custom_id") or capture.get("custom_id") or ""),
                reference=str(data.get("id", "")),
                amount_minor=to_minor(str(amount["value"]), str(amount["currency_code"])),
                currency=str(amount["currency_code"]),
                raw={"capture_id": capture["id"]},
            )
        if capture.get("status") in ("DECLINED", "FAILED"):
            return PaymentUpdate(
                outcome=Outcome.FAILED,
                event_id=f"capture:{capture.get('id')}:failed",
                reference=str(data.get("id", "")),
                note="capture declined",
            )
        return None

    def _capture(self, paypal_order_id: str, order: Order) -> PaymentUpdate | None:
        status, data = self._call(
            "POST",
            f"/v2/checkout/orders/{paypal_order_id}/capture",
            json={},
            headers={"PayPal-Request-Id": f"dukkan-capture-{order.token}"},
        )
        if status == 422 and any(
            d.get("issue") == "ORDER_ALREADY_CAPTURED" for d in data.get("details", [])
        ):
            return self.fetch_status(order)
        if status not in (200, 201):
            raise ProviderError(f"PayPal refused the capture: {data.get('message') or status}")
        return self._from_order(data, "")

    def handle_return(self, order: Order, params: Mapping[str, str]) -> PaymentUpdate | None:
        token = params.get("token", "")
        if not token or token != order.provider_reference:
            return None
        return self._capture(token, order)

    def fetch_status(self, order: Order) -> PaymentUpdate | None:
        if not order.provider_reference:
            return None
        status, data = self._call("GET", f"/v2/checkout/orders/{order.provider_reference}")
        if status != 200:
            raise ProviderError(f"PayPal answered {status}")
        if data.get("status") == "APPROVED":
            return self._capture(order.provider_reference, order)
        if data.get("status") == "VOIDED":
            return PaymentUpdate(
                outcome=Outcome.FAILED, event_id=f"status:{data['id']}:voided", note="voided"
            )
        return self._from_order(data, "")

    def refund(self, order: Order, amount_minor: int) -> RefundOutcome | None:
        from dukkan.checkout.models import Payment

        payment = (
            Payment.objects.filter(order=order, provider=self.code, raw__has_key="capture_id")
            .order_by("-pk")
            .first()
        )
        if payment is None:
            raise ProviderError("no PayPal capture to refund")
        status, data = self._call(
            "POST",
            f"/v2/payments/captures/{payment.raw['capture_id']}/refund",
            json={
                "amount": {
                    "value": str(minor_to_decimal(amount_minor, order.currency)),
                    "currency_code": order.currency,
                }
            },
            headers={"PayPal-Request-Id": f"dukkan-refund-{order.token}-{order.refunded_minor}"},
        )
        if status not in (200, 201):
            raise ProviderError(f"PayPal refused the refund: {data.get('message') or status}")
        return RefundOutcome(reference=str(data.get("id", "")), status=str(data.get("status", "")))

    # --- webhooks ------------------------------------------------------------------------

    def _trusted_cert_url(self, url: str) -> bool:
        parts = urlsplit(url)
        if self.config.get("api_base") and url.startswith(self.api_base + "/"):
            return True
        host = parts.hostname or ""
        return parts.scheme == "https" and (host == "paypal.com" or host.endswith(".paypal.com"))

    def _certificate(self, url: str) -> x509.Certificate:
        if url in _certificates:
            return _certificates[url]
        if not self._trusted_cert_url(url):
            raise SignatureError("certificate URL is not PayPal's")
        try:
            response = httpx.get(url, timeout=10.0)
        except httpx.HTTPError as error:
            raise SignatureError(f"could not fetch the certificate: {error}") from error
        if response.status_code != 200:
            raise SignatureError(f"certificate download answered {response.status_code}")
        try:
            certificate = x509.load_pem_x509_certificate(response.content)
        except ValueError as error:
            raise SignatureError("the certificate is not PEM") from error
        _certificates[url] = certificate
        return certificate

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> PaymentUpdate:
        webhook_id = self.config.get("webhook_id", "")
        if not webhook_id:
            raise SignatureError("no PayPal webhook id configured")
        transmission_id = header(headers, "PAYPAL-TRANSMISSION-ID")
        time = header(headers, "PAYPAL-TRANSMISSION-TIME")
        signature = header(headers, "PAYPAL-TRANSMISSION-SIG")
        cert_url = header(headers, "PAYPAL-CERT-URL")
        algorithm = header(headers, "PAYPAL-AUTH-ALGO")
        if not (transmission_id and time and signature and cert_url):
            raise SignatureError("PayPal signature headers are missing")
        if algorithm and algorithm != "SHA256withRSA":
            raise SignatureError(f"unsupported algorithm {algorithm}")
        certificate = self._certificate(cert_url)
        now = datetime.now(UTC)
        if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
            raise SignatureError("the certificate is not valid now")
        key = certificate.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise SignatureError("the certificate does not hold an RSA key")
        try:
            key.verify(
                base64.b64decode(signature, validate=True),
                signed_message(transmission_id, time, webhook_id, body),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except (InvalidSignature, ValueError) as error:
            raise SignatureError("signature does not match") from error
        try:
            event = json.loads(body)
            return self._event_update(event)
        except (ValueError, KeyError, TypeError) as error:
            raise SignatureError(f"malformed PayPal event: {error}") from error

    def _event_update(self, event: dict[str, Any]) -> PaymentUpdate:
        kind = event["event_type"]
        resource = event.get("resource") or {}
        related = ((resource.get("supplementary_data") or {}).get("related_ids") or {}).get(
            "order_id", ""
        )
        common: dict[str, Any] = {
            "event_id": str(event["id"]),
            "order_token": str(resource.get("custom_id") or ""),
            "reference": str(related),
        }
        if kind == "PAYMENT.CAPTURE.COMPLETED":
            amount = resource["amount"]
            return PaymentUpdate(
                outcome=Outcome.PAID,
                amount_minor=to_minor(str(amount["value"]), str(amount["currency_code"])),
                currency=str(amount["currency_code"]),
                raw={"capture_id": resource.get("id", "")},
                **common,
            )
        if kind in ("PAYMENT.CAPTURE.DENIED", "PAYMENT.CAPTURE.DECLINED"):
            return PaymentUpdate(outcome=Outcome.FAILED, note=kind, **common)
        return PaymentUpdate(outcome=Outcome.IGNORED, **common)
