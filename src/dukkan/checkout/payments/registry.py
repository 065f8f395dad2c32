"""The providers a store can enable, by code."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dukkan.checkout.payments.base import PaymentProvider
from dukkan.checkout.payments.manual import ManualProvider
from dukkan.checkout.payments.moyasar import MoyasarProvider
from dukkan.checkout.payments.paypal import PayPalProvider
from dukkan.checkout.payments.stripe import StripeProvider
from dukkan.checkout.payments.test import TestProvider
from dukkan.checkout.payments.zarinpal import ZarinpalProvider

if TYPE_CHECKING:
    from dukkan.checkout.models import SellingSettings
    from dukkan.core.models import Store

PROVIDERS: dict[str, type[PaymentProvider]] = {
    cls.code: cls
    for cls in (
        TestProvider,
        StripeProvider,
        PayPalProvider,
        MoyasarProvider,
        ZarinpalProvider,
        ManualProvider,
    )
}


def provider_class(code: str) -> type[PaymentProvider] | None:
    return PROVIDERS.get(code)


def adapter(
    store: Store, code: str, settings: SellingSettings | None = None
) -> PaymentProvider | None:
    """The provider `code` configured for `store` (None when unknown)."""
    from dukkan.checkout.selectors import selling_settings

    cls = PROVIDERS.get(code)
    if cls is None:
        return None
    return cls(store, (settings or selling_settings(store)).config(code))
