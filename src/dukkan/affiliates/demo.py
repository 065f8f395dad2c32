"""Affiliates' demo data: a programme in each store, affiliates with clicks and sales.

Each store's first affiliate has a commission in every state (pending, payable, paid through a
payout batch, reversed by a refund); the sales go through the real checkout services with the
affiliate's coupon. Idempotent: a store whose demo affiliates exist is left as it is.
The banner prints an affiliate's sign-in and link.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from dukkan.accounts.models import User
from dukkan.affiliates import referral, services
from dukkan.affiliates.models import Affiliate, Commission, Programme
from dukkan.catalog.models import Product, Visibility
from dukkan.catalog.selectors import price_of
from dukkan.checkout import services as checkout_services
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped

PROGRAMMES: dict[str, dict[str, Any]] = {
    "alwarraq": {"commission_bp": 2000, "customer_discount_bp": 1000, "min_payout_minor": 1000},
    "afzoonesara": {"commission_bp": 3000, "customer_discount_bp": 1500, "min_payout_minor": 0},
    "cedar-apps": {"commission_bp": 2500, "customer_discount_bp": 1000, "min_payout_minor": 1000},
}

# store, email, name, language, code, payout method and details.
AFFILIATES = (
    (
        "alwarraq",
        "khalid@affiliates.example",
        "خالد العتيبي",
        "ar",
        "KHALID",
        "bank",
        "SA03 8000 0000 6080 1016 7519 — خالد العتيبي",
    ),
    (
        "alwarraq",
        "emma@affiliates.example",
        "Emma Wilson",
        "en",
        "EMMA",
        "paypal",
        "emma@affiliates.example",
    ),
    (
        "afzoonesara",
        "niloofar@affiliates.example",
        "نیلوفر احمدی",
        "fa",
        "NILOOFAR",
        "payoneer",
        "niloofar@affiliates.example",
    ),
    (
        "cedar-apps",
        "ryan@affiliates.example",
        "Ryan Brooks",
        "en",
        "RYAN",
        "paypal",
        "ryan@affiliates.example",
    ),
    (
        "cedar-apps",
        "reza@affiliates.example",
        "رضا کریمی",
        "fa",
        "REZA",
        "payoneer",
        "reza@affiliates.example",
    ),
)

BUYERS = (
    ("layla@buyers.example", "ليلى"),
    ("omid@buyers.example", "امید"),
    ("grace@buyers.example", "Grace"),
    ("hassan@buyers.example", "حسن"),
)


def load(stores: dict[str, Store], people: dict[str, User]) -> None:
    from dukkan.demo import DEMO_PASSWORD

    for slug, values in PROGRAMMES.items():
        store = stores.get(slug)
        if store is None:
            continue
        mine = [a for a in AFFILIATES if a[0] == slug]
        if Affiliate.objects.filter(store=store, code__in=[a[4] for a in mine]).exists():
            continue
        services.save_programme(
            store,
            services.ProgrammeInput(
                is_open=True,
                approval="manual",
                commission_kind="percent",
                commission_bp=values["commission_bp"],
                commission_fixed_minor=None,
                customer_discount_bp=values["customer_discount_bp"],
                cookie_days=30,
                attribution="last",
                hold_days=max(30, services.refund_window_days(store)),
                min_payout_minor=0,  # set below, after the demo's first payout
                terms="",
            ),
        )
        product = (
            scoped(Product, store)
            .filter(visibility=Visibility.PUBLISHED, kind__in=("file", "software", "bundle"))
            .order_by("pk")
            .first()
        )
        for index, (_s, email, name, language, code, method, details) in enumerate(mine):
            user = User.objects.filter(email=email).first() or User.objects.create_user(
                email=email, password=DEMO_PASSWORD, display_name=name, language=language
            )
            affiliate = services.join(
                store,
                user,
                name=name,
                code=code,
                website="",
                payout_method=method,
                payout_details=details,
                language=language,
            )
            services.approve(affiliate)
            _clicks(affiliate, 12 - 5 * index)
            if product is not None:
                _sales(store, affiliate, product, everything=index == 0)
        Programme.objects.filter(store=store).update(min_payout_minor=values["min_payout_minor"])


def _clicks(affiliate: Affiliate, count: int) -> None:
    now = timezone.now()
    for n in range(count):
        services.record_click(
            affiliate,
            ip=f"198.51.100.{n + 1}",
            user_agent="demo browser",
            path=f"/s/{affiliate.store.slug}/",
            now=now - timedelta(days=n, hours=n),
        )


def _sale(store: Store, affiliate: Affiliate, product: Product, buyer: int) -> Commission | None:
    email, name = BUYERS[buyer % len(BUYERS)]
    # A coupon does not combine with a sale price (a store-wide sale may be running), so a
    # sale-priced product is bought through the affiliate's link instead of their code.
    coupon_code, referral_code = affiliate.coupon_code, ""
    if price_of(product).on_sale:
        now = timezone.now()
        click = services.record_click(
            affiliate, ip="198.51.100.200", user_agent="demo browser", path="/", now=now
        )
        coupon_code = ""
        referral_code = referral.encode(
            referral.record_click(
                {}, store_id=store.pk, code=affiliate.code, click_id=click, at=now, window_days=30
            )
        )
    order = checkout_services.start_checkout(
        store,
        product,
        email=email,
        name=name,
        language=affiliate.language,
        provider="test",
        coupon_code=coupon_code,
        referral_code=referral_code,
    )
    order = checkout_services.mark_paid(
        order,
        provider="test",
        reference=f"demo-aff-{order.number}",
        amount_minor=order.total_minor,
        currency=order.currency,
    )
    # Credited here, or already by the OrderPaid handler when no transaction was open.
    return services.attribute_order(order) or Commission.objects.filter(order=order).first()


def _sales(store: Store, affiliate: Affiliate, product: Product, *, everything: bool) -> None:
    if not everything:
        _sale(store, affiliate, product, 3)
        return
    # Two sales past their hold: the first paid in a batch, the second payable now.
    past = [c.pk for c in (_sale(store, affiliate, product, n) for n in range(2)) if c]
    now = timezone.now()
    for pk, paid in zip(past, (True, False), strict=False):
        Commission.objects.filter(pk=pk).update(payable_at=now - timedelta(days=1))
        services.release_held()
        if paid:
            services.pay_batch(
                store, [affiliate], method=affiliate.payout_method, reference="DEMO-PAYOUT-0001"
            )
    _sale(store, affiliate, product, 2)  # pending
    refunded = _sale(store, affiliate, product, 3)
    if refunded is not None:
        order = refunded.order
        checkout_services.refund(order, reason="demo refund")
        order.refresh_from_db()
        services.reverse_for_refund(order, amount_minor=order.refunded_minor, full=True)


def _banner() -> list[str]:
    lines = []
    for slug, email, _name, language, code, *_rest in AFFILIATES:
        store = Store.objects.filter(slug=slug).first()
        if store is None or not Affiliate.objects.filter(store=store, code=code).exists():
            continue
        lines.append(
            f"  {email:<28} {{base_url}}/{language}/s/{slug}/affiliates/dashboard/"
            f"   link: {{base_url}}/{language}/s/{slug}/?ref={code}"
        )
    if not lines:
        return []
    return ["Affiliates (same demo password; their dashboard and an affiliate link):", *lines]


def __getattr__(name: str) -> Any:
    if name == "BANNER":
        return _banner()
    raise AttributeError(name)
