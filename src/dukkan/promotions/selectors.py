"""Reads of promotions: coupons by code, active sales, offers for a product or an order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from dukkan.catalog.models import Product
from dukkan.catalog.selectors import Price
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.promotions.models import (
    Coupon,
    CouponBatch,
    CrossSell,
    Redemption,
    RedemptionStatus,
    UpgradePath,
    Upsell,
)

if TYPE_CHECKING:
    from dukkan.checkout.models import Order


def coupon_by_code(store_id: int, code: str) -> Coupon | None:
    """The store's coupon with this code (any case, Arabic/Persian digits too), or None."""
    from dukkan.promotions.services import normalise_code

    normal = normalise_code(code)
    if not normal:
        return None
    return Coupon.objects.filter(store_id=store_id, code=normal).first()


@dataclass(frozen=True)
class CrossSellOffer:
    product: Product
    price: Price  # its price now
    discount_bp: int  # off when bought together
    bundle_minor: int  # what it costs added to this order

    @property
    def saving_minor(self) -> int:
        return self.price.amount_minor - self.bundle_minor


def cross_sells_for(store: Store, product: Product) -> list[CrossSellOffer]:
    """The seller's “customers also buy” offers for `product` that can be bought now."""
    from dukkan.catalog.selectors import price_of

    offers = []
    for cross in (
        scoped(CrossSell, store)
        .filter(product=product, is_active=True)
        .select_related("offer", "offer__store")
    ):
        offered = cross.offer
        if offered.pk == product.pk or not offered.is_sellable or not _buyable(offered):
            continue
        price = price_of(offered)
        if price.pay_what_you_want and price.amount_minor == 0:
            continue
        discount = (2 * price.amount_minor * cross.discount_bp + 10_000) // 20_000
        offers.append(
            CrossSellOffer(offered, price, cross.discount_bp, price.amount_minor - discount)
        )
    return offers


def _buyable(product: Product) -> bool:
    from dukkan.catalog.models import Visibility

    return product.visibility in (Visibility.PUBLISHED, Visibility.UNLISTED)


# --------------------------------------------------------------- after-purchase offers

TOGETHER_HOURS = 24  # a cross-sell's bundle price holds this long after the purchase
PAID_STATUSES = ("paid", "fulfilled", "partially_refunded")


@dataclass(frozen=True)
class AfterOffer:
    """An offer on the confirmation page and in the receipt."""

    kind: str  # "upsell" or "together" (a cross-sell after the purchase)
    offer_id: int
    product: Product
    price: Price
    discount_bp: int
    offer_minor: int  # the price with the discount
    ends_at: datetime
    headline: str = ""


def _bought_since(order: Order, product_id: int) -> bool:
    from dukkan.checkout.models import Order as OrderModel

    return (
        scoped(OrderModel, order.store)
        .filter(
            email=order.email,
            lines__product_id=product_id,
            created_at__gte=order.created_at,
            status__in=(*PAID_STATUSES, "pending"),
        )
        .exists()
    )


def after_purchase_offers(order: Order, now: datetime | None = None) -> list[AfterOffer]:
    """What to offer the buyer of a paid `order` now (nothing once it is not paid)."""
    from dukkan.catalog.selectors import price_of

    if not order.is_paid or order.paid_at is None:
        return []
    now = now or timezone.now()
    bought = set(order.lines.values_list("product_id", flat=True))
    found: list[AfterOffer] = []
    seen: set[int] = set()
    upsells = (
        scoped(Upsell, order.store)
        .filter(is_active=True)
        .filter(Q(product__isnull=True) | Q(product_id__in=bought))
        .select_related("offer", "offer__store")
    )
    crosses = (
        scoped(CrossSell, order.store)
        .filter(is_active=True, product_id__in=bought)
        .select_related("offer", "offer__store")
    )
    candidates: list[tuple[str, int, Product, int, datetime, str]] = [
        (
            "upsell",
            up.pk,
            up.offer,
            up.discount_bp,
            order.paid_at + timedelta(hours=up.valid_hours),
            up.headline,
        )
        for up in upsells
    ] + [
        (
            "together",
            cross.pk,
            cross.offer,
            cross.discount_bp,
            order.paid_at + timedelta(hours=TOGETHER_HOURS),
            "",
        )
        for cross in crosses
    ]
    for kind, offer_id, product, discount_bp, ends_at, headline in candidates:
        if product.pk in bought or product.pk in seen or ends_at <= now:
            continue
        if not product.is_sellable or not _buyable(product):
            continue
        price = price_of(product, now)
        if price.pay_what_you_want or price.amount_minor == 0:
            continue
        if _bought_since(order, product.pk):
            continue
        seen.add(product.pk)
        off = (2 * price.amount_minor * discount_bp + 10_000) // 20_000
        found.append(
            AfterOffer(
                kind,
                offer_id,
                product,
                price,
                discount_bp,
                price.amount_minor - off,
                ends_at,
                headline,
            )
        )
    return found


def after_purchase_offer(order: Order, kind: str, offer_id: int) -> AfterOffer | None:
    return next(
        (o for o in after_purchase_offers(order) if o.kind == kind and o.offer_id == offer_id),
        None,
    )


# -------------------------------------------------------------------------- upgrades


@dataclass(frozen=True)
class UpgradeOffer:
    path: UpgradePath
    from_order_id: int
    credit_minor: int  # what the buyer paid for the product they own (one copy)
    price: Price  # the new product's price now
    to_pay_minor: int


def upgrade_offers(store: Store, email: str) -> list[UpgradeOffer]:
    """Upgrades `email` may buy: they own a path's `from_product` (a paid, unrefunded line)
    and do not own its `to_product` yet; the price is the difference."""
    from dukkan.catalog.selectors import price_of
    from dukkan.checkout.models import OrderLine

    email = (email or "").strip().lower()
    if not email:
        return []
    owned: dict[int, tuple[int, int]] = {}  # product → (credit, order id)
    for product_id, order_id, total, discount, quantity in (
        scoped(OrderLine, store)
        .filter(order__email=email, order__status__in=PAID_STATUSES, refunded=False)
        .values_list("product_id", "order_id", "total_minor", "discount_minor", "quantity")
    ):
        credit = (total - discount) // max(quantity, 1)
        if product_id not in owned or owned[product_id][0] < credit:
            owned[product_id] = (credit, order_id)
    offers = []
    for path in (
        scoped(UpgradePath, store)
        .filter(is_active=True, from_product_id__in=list(owned))
        .select_related("to_product", "to_product__store", "from_product")
    ):
        target = path.to_product
        if target.pk in owned or not target.is_sellable or not _buyable(target):
            continue
        price = price_of(target)
        credit, order_id = owned[path.from_product_id]
        offers.append(
            UpgradeOffer(path, order_id, credit, price, max(price.amount_minor - credit, 0))
        )
    return offers


# ------------------------------------------------------------------------- dashboard


def coupon_status(coupon: Coupon, now: datetime | None = None) -> str:
    """active, scheduled, expired, used_up or off."""
    now = now or timezone.now()
    if not coupon.is_active:
        return "off"
    if coupon.max_uses is not None and coupon.uses >= coupon.max_uses:
        return "used_up"
    if coupon.ends_at is not None and now >= coupon.ends_at:
        return "expired"
    if coupon.starts_at is not None and now < coupon.starts_at:
        return "scheduled"
    return "active"


def store_coupons(store: Store, *, query: str = "") -> QuerySet[Coupon]:
    """The store's own coupons (batch codes are listed with their batch)."""
    found = scoped(Coupon, store).filter(batch__isnull=True)
    if query:
        found = found.filter(code__icontains=query.strip().upper()[:64])
    return found.order_by("-created_at", "-pk")


def store_batches(store: Store) -> QuerySet[CouponBatch]:
    return (
        scoped(CouponBatch, store)
        .annotate(
            used=Count("coupons", filter=Q(coupons__uses__gt=0)),
        )
        .order_by("-created_at", "-pk")
    )


def coupon_discount_totals(store: Store, coupon_ids: list[int]) -> dict[int, int]:
    """Discount given through each coupon on orders that are paid (or held by pending ones)."""
    rows = (
        scoped(Redemption, store)
        .filter(coupon_id__in=coupon_ids)
        .exclude(status=RedemptionStatus.RELEASED)
        .values("coupon_id")
        .annotate(total=Sum("discount_minor"))
    )
    return {row["coupon_id"]: int(row["total"] or 0) for row in rows}
