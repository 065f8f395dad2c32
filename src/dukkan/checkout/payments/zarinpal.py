"""Zarinpal (Iran), payment gateway API v4.

`start` asks for a payment (`/pg/v4/payment/request.json`, the amount in rials with
`currency: "IRR"`), gets an `authority` and sends the buyer to `/pg/StartPay/<authority>`.
Zarinpal sends no webhooks: the buyer comes back to our return address with `Authority` and
`Status` (`OK`/`NOK`), and the payment counts only after `/pg/v4/payment/verify.json` answers
code 100 (verified now) or 101 (verified before). The reconciliation job calls verify too.
"""

from __future__ import annotations

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
    StartResult,
    Urls,
    json_or_error,
)

if TYPE_CHECKING:
    from dukkan.checkout.models import Order

VERIFIED = {100, 101}
NOT_PAID = {-51}  # "the payment was not successful" (the buyer gave up or the bank declined)


def _code(data: dict[str, Any]) -> tuple[int, str]:
    inner = data.get("data")
    if isinstance(inner, dict) and "code" in inner:
        return int(inner["code"]), str(inner.get("message", ""))
    errors = data.get("errors")
    if isinstance(errors, dict) and "code" in errors:
        return int(errors["code"]), str(errors.get("message", ""))
    return 0, "unexpected answer"


class ZarinpalProvider(PaymentProvider):
    code = "zarinpal"
    label = _("Zarinpal (Iranian bank cards)")
    currencies = frozenset({"IRR"})
    has_webhook = False
    config_fields = (ConfigField("merchant_id", _("Zarinpal merchant ID")),)
    default_api_base = "https://payment.zarinpal.com"

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            with self.client(headers={"Accept": "application/json"}) as client:
                response = client.post(path, json=body)
        except httpx.HTTPError as error:
            raise ProviderError(f"Zarinpal could not be reached: {error}") from error
        return json_or_error(response)

    def start(self, order: Order, urls: Urls) -> StartResult:
        data = self._post(
            "/pg/v4/payment/request.json",
            {
                "merchant_id": self.config.get("merchant_id", ""),
                "amount": order.total_minor,  # rials
                "currency": "IRR",
                "description": f"{order.store.name} — #{order.number}",
                "callback_url": urls.return_url,
                "metadata": {"email": order.email, "order_id": order.number},
            },
        )
        code, message = _code(data)
        if code != 100:
            raise ProviderError(f"Zarinpal refused the payment request ({code}: {message})")
        authority = str(data["data"]["authority"])
        return StartResult(
            redirect_url=f"{self.api_base}/pg/StartPay/{authority}",
            reference=authority,
            raw={"authority": authority, "fee": data["data"].get("fee")},
        )

    def _verify(self, order: Order, authority: str) -> PaymentUpdate | None:
        data = self._post(
            "/pg/v4/payment/verify.json",
            {
                "merchant_id": self.config.get("merchant_id", ""),
                "amount": order.total_minor,
                "authority": authority,
            },
        )
        code, message = _code(data)
        if code in VERIFIED:
            inner = data["data"]
            return PaymentUpdate(
                outcome=Outcome.PAID,
                event_id=f"verify:{authority}",
                order_token=order.token,
                reference=authority,
                # Zarinpal verifies the amount we send against what was paid.
                amount_minor=order.total_minor,
                currency="IRR",
                raw={"ref_id": inner.get("ref_id"), "card_pan": inner.get("card_pan", "")},
            )
        if code in NOT_PAID:
            return PaymentUpdate(
                outcome=Outcome.FAILED,
                event_id=f"verify:{authority}:failed",
                reference=authority,
                note=message,
            )
        raise ProviderError(f"Zarinpal verify answered {code}: {message}")

    def handle_return(self, order: Order, params: Mapping[str, str]) -> PaymentUpdate | None:
        authority = params.get("Authority", "")
        if not authority or authority != order.provider_reference:
            return None
        if params.get("Status") != "OK":
            return PaymentUpdate(
                outcome=Outcome.FAILED,
                event_id=f"return:{authority}:nok",
                reference=authority,
                note="the buyer returned without paying",
            )
        return self._verify(order, authority)

    def fetch_status(self, order: Order) -> PaymentUpdate | None:
        if not order.provider_reference:
            return None
        update = self._verify(order, order.provider_reference)
        # A payment not (yet) made is left to the expiry: the buyer may still pay.
        return update if update is not None and update.outcome == Outcome.PAID else None
