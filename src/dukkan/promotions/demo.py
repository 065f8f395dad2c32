"""Promotions' demo data: a coupon per store, a batch of single-use codes, a store-wide sale
(Nowruz at the Persian store), a cross-sell and an upsell per store, and an upgrade path in
the English software store. Made through the services; idempotent (a second load finds each
thing by its code, label, name or products and makes nothing).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from dukkan.accounts.models import User
from dukkan.catalog.models import Product
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.promotions import services
from dukkan.promotions.models import Coupon, CouponBatch, CrossSell, StoreSale, UpgradePath, Upsell

COUPONS = {
    "alwarraq": [
        {"code": "RAMADAN20", "kind": "percent", "value": 2000, "label": "رمضان كريم"},
        {
            "code": "SHUKRAN15",
            "kind": "percent",
            "value": 1500,
            "label": "لعملائنا السابقين",
            "audience": "existing_customers",
            "max_uses_per_customer": 1,
        },
    ],
    "afzoonesara": [
        {
            "code": "NOWRUZ1405",
            "kind": "percent",
            "value": 1500,
            "label": "نوروز ۱۴۰۵",
            "stackable": True,
            "max_uses": 200,
        },
    ],
    "cedar-apps": [
        {"code": "LAUNCH10", "kind": "percent", "value": 1000, "label": "Launch week"},
        {
            "code": "WELCOME5",
            "kind": "fixed",
            "value": 500,
            "label": "First purchase, $5 off orders from $20",
            "audience": "first_purchase",
            "min_order_minor": 2000,
        },
    ],
}

BATCHES = {
    "alwarraq": ("قائمة الإطلاق — عادات صغيرة", "WARRAQ", 50, 2500),
    "afzoonesara": ("فهرست خبرنامه‌ی نوروز", "SARA", 50, 2000),
    "cedar-apps": ("Launch mailing list", "CEDAR", 100, 3000),
}

# (store, when buying title, also offer title, bundle discount bp)
CROSS_SELLS = (
    ("alwarraq", "ديوان الحكمة", "رسائل إلى كاتب شاب", 2500),
    ("afzoonesara", "افزونه‌ی تاریخ شمسی ووکامرس", "فونت‌یار: فونت فارسی برای هر قالب", 3000),
    ("cedar-apps", "Markdown Lens", "Focus Timer", 5000),
)

# (store, after buying title or None for any, offer title, discount bp, hours, headline)
UPSELLS = (
    (
        "alwarraq",
        None,
        "تاريخ الأندلس المختصر",
        4000,
        24,
        "أضف «تاريخ الأندلس المختصر» بخصم ٤٠٪ — اليوم فقط",
    ),
    (
        "afzoonesara",
        "افزونه‌ی تاریخ شمسی ووکامرس",
        "درگاه پرداخت زرین‌پال برای ووکامرس",
        3500,
        48,
        "درگاه زرین‌پال را هم با ۳۵٪ تخفیف اضافه کنید — فقط تا دو روز",
    ),
    ("cedar-apps", None, "Snippet Vault", 4000, 24, "Add Snippet Vault for 40% off, today only"),
)

UPGRADES = (("cedar-apps", "Markdown Lens", "Markdown Lens — Founders' Edition"),)

SALE = ("afzoonesara", "حراج نوروز", 2000, 10)  # store, name, percent bp, days


def _product(store: Store, title: str | None) -> Product | None:
    if title is None:
        return None
    return scoped(Product, store).filter(title=title).first()


def load(stores: dict[str, Store], people: dict[str, User]) -> None:
    for slug, coupons in COUPONS.items():
        store = stores.get(slug)
        if store is None:
            continue
        for terms in coupons:
            if not scoped(Coupon, store).filter(code=terms["code"]).exists():
                services.create_coupon(store, **terms)  # type: ignore[arg-type]
    for slug, (label, prefix, count, value) in BATCHES.items():
        store = stores.get(slug)
        if store is not None and not scoped(CouponBatch, store).filter(label=label).exists():
            services.generate_batch(
                store, count=count, prefix=prefix, label=label, kind="percent", value=value
            )
    for slug, base, extra, discount in CROSS_SELLS:
        store = stores.get(slug)
        if store is None:
            continue
        first, second = _product(store, base), _product(store, extra)
        if (
            first
            and second
            and not scoped(CrossSell, store).filter(product=first, offer=second).exists()
        ):
            services.add_cross_sell(
                store, product_id=first.pk, offer_id=second.pk, discount_bp=discount
            )
    for slug, after, offer_title, discount, hours, headline in UPSELLS:
        store = stores.get(slug)
        if store is None:
            continue
        offer = _product(store, offer_title)
        after_product = _product(store, after)
        if offer is None or (after is not None and after_product is None):
            continue
        if not scoped(Upsell, store).filter(offer=offer).exists():
            services.add_upsell(
                store,
                product_id=after_product.pk if after_product else None,
                offer_id=offer.pk,
                discount_bp=discount,
                valid_hours=hours,
                headline=headline,
            )
    for slug, old, new in UPGRADES:
        store = stores.get(slug)
        if store is None:
            continue
        first, second = _product(store, old), _product(store, new)
        if first and second and not scoped(UpgradePath, store).filter(from_product=first).exists():
            services.add_upgrade(store, from_product_id=first.pk, to_product_id=second.pk)
    slug, name, percent, days = SALE
    store = stores.get(slug)
    if store is not None and not scoped(StoreSale, store).filter(name=name).exists():
        now = timezone.now()
        services.save_sale(
            store,
            name=name,
            percent_bp=percent,
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(days=days),
        )


BANNER = [
    "Promotions: coupons RAMADAN20 (alwarraq), NOWRUZ1405 (afzoonesara), LAUNCH10 (cedar-apps);"
    " a Nowruz sale with a countdown on afzoonesara; cross-sells at checkout; one-click upsells"
    " after paying with “Test payment”.",
    "Coupons, sales and offers: {base_url}/en/dashboard/cedar-apps/promotions/",
]
