"""Reads of promotions: coupons by code, active sales, offers for a product or an order."""

from __future__ import annotations

from dataclasses import dataclass

from dukkan.catalog.models import Product
from dukkan.catalog.selectors import Price
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.promotions.models import Coupon, CrossSell


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
