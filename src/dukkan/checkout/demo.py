"""Checkout's demo data: selling settings per store, and paid orders of the demo customers.

The orders go through the real services (start_checkout → mark_paid with the test provider),
so My purchases and the inbox's side panel have something to show. Only products from the
catalog's demo are used; nothing is made when there are none. Idempotent: a customer who
already has orders at a store gets no more.
"""

from __future__ import annotations

from typing import Any

from dukkan.accounts.models import User
from dukkan.catalog.models import Product, Visibility
from dukkan.checkout import services
from dukkan.checkout.models import Order, SellingSettings
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped

SETTINGS: dict[str, dict[str, Any]] = {
    "alwarraq": {
        "vat_rate_bp": 1500,
        "prices_include_tax": True,
        "providers": ["test", "moyasar", "manual"],
        "bank_instructions": {
            "ar": "حوّل المبلغ إلى حساب مكتبة الورّاق في مصرف الراجحي:\n"
            "الآيبان: SA44 8000 0123 6080 1016 7519\n"
            "اكتب رقم الطلب في خانة الملاحظات، ونرسل لك الكتب فور وصول الحوالة.",
            "en": "Transfer the amount to Alwarraq Books at Al Rajhi Bank:\n"
            "IBAN: SA44 8000 0123 6080 1016 7519\n"
            "Put the order number in the transfer note; we send the books as soon as it arrives.",
        },
    },
    "afzoonesara": {
        "vat_rate_bp": 0,
        "prices_include_tax": True,
        "providers": ["test", "zarinpal", "manual"],
        "bank_instructions": {
            "fa": "مبلغ را به حساب افزونه‌سرا واریز کنید:\n"
            "شماره‌ی شبا: IR06 0170 0000 0012 3456 7890 01 (بانک ملی، به نام مریم رضایی)\n"
            "شماره‌ی سفارش را در توضیحات واریز بنویسید؛ پس از تأیید، افزونه برایتان فرستاده می‌شود.",
        },
    },
    "cedar-apps": {
        "vat_rate_bp": 0,
        "prices_include_tax": False,
        "providers": ["test", "stripe", "paypal"],
        "bank_instructions": {},
    },
}

# Who bought what (by position among the store's published products, newest first).
PURCHASES = (
    ("alwarraq", "noura@customers.example", "نورة الحربي", "ar", (0, 1)),
    ("afzoonesara", "sara@customers.example", "سارا محمدی", "fa", (0,)),
    ("cedar-apps", "john@customers.example", "John Carter", "en", (0,)),
)


def load(stores: dict[str, Store], people: dict[str, User]) -> None:
    for slug, values in SETTINGS.items():
        store = stores.get(slug)
        if store is not None:
            SellingSettings.objects.get_or_create(store=store, defaults=values)
    for slug, email, name, language, picks in PURCHASES:
        store = stores.get(slug)
        if store is None or scoped(Order, store).filter(email=email).exists():
            continue
        products = list(
            scoped(Product, store)
            .filter(visibility=Visibility.PUBLISHED, kind__in=("file", "software", "bundle"))
            .order_by("pk")
        )
        buyer = people.get(email)
        for index in picks:
            if index >= len(products):
                continue
            order = services.start_checkout(
                store,
                products[index],
                email=email,
                name=name,
                language=language,
                provider="test",
                buyer=buyer,
            )
            services.record_payment_attempt(
                order, provider="test", reference=f"demo-{order.number}"
            )
            services.mark_paid(
                order,
                provider="test",
                reference=f"demo-{order.number}",
                amount_minor=order.total_minor,
                currency=order.currency,
            )


BANNER = [
    "Checkout: buy any product with the “Test payment” method (success, failure or a delay).",
    "Orders of a store: {base_url}/en/dashboard/alwarraq/orders/",
]
