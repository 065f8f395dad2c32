"""Manual bank transfer: the order page shows the store's instructions; the owner confirms."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from dukkan.checkout.payments.base import PaymentProvider, StartResult, Urls

if TYPE_CHECKING:
    from dukkan.checkout.models import Order


class ManualProvider(PaymentProvider):
    code = "manual"
    label = _("Bank transfer")
    has_webhook = False

    def start(self, order: Order, urls: Urls) -> StartResult:
        return StartResult(
            redirect_url=urls.order_path or urls.order_url, reference=f"manual-{order.number}"
        )
