"""Coupons, store-wide sales, cross-sells, upsells and upgrade paths.

Money is integer minor units of the store's currency; percentages are basis points
(2000 = 20 %). A coupon's `uses` counts the redemptions held by pending or paid orders: it
goes up in the same transaction that creates the order (a conditional UPDATE, so a limited
coupon never goes over) and down when the order fails, is cancelled or expires.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dukkan.core.tenancy import StoreOwned


class CouponKind(models.TextChoices):
    PERCENT = "percent", _("Percentage")
    FIXED = "fixed", _("Fixed amount")


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    FIRST_PURCHASE = "first_purchase", _("First purchase only")
    EXISTING_CUSTOMERS = "existing_customers", _("Existing customers only")


class CouponBatch(StoreOwned):
    """Single-use codes generated together (e.g. 500 codes for a launch list)."""

    label = models.CharField(_("label"), max_length=120)
    prefix = models.CharField(_("prefix"), max_length=20, blank=True)
    count = models.PositiveIntegerField(_("number of codes"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.label


class Coupon(StoreOwned):
    code = models.CharField(_("code"), max_length=64)
    label = models.CharField(_("label"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=CouponKind.choices)
    # Basis points for a percentage (2000 = 20 %), minor units of `currency` for a fixed amount.
    value = models.PositiveBigIntegerField(_("value"))
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    products = models.ManyToManyField(
        "catalog.Product", blank=True, related_name="coupons", verbose_name=_("only for")
    )
    excluded_products = models.ManyToManyField(
        "catalog.Product", blank=True, related_name="excluded_coupons", verbose_name=_("not for")
    )
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    max_uses = models.PositiveIntegerField(_("total uses"), null=True, blank=True)
    max_uses_per_customer = models.PositiveIntegerField(
        _("uses per customer"), null=True, blank=True
    )
    min_order_minor = models.PositiveBigIntegerField(_("minimum order"), default=0)
    audience = models.CharField(
        _("who may use it"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    stackable = models.BooleanField(_("combines with sales and bundle discounts"), default=False)
    single_use = models.BooleanField(_("single use"), default=False)
    batch = models.ForeignKey(
        CouponBatch, on_delete=models.CASCADE, null=True, blank=True, related_name="coupons"
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Redemptions held by pending or paid orders (see the module's docstring).
    uses = models.PositiveIntegerField(_("uses"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")
        ordering = ["-created_at", "-pk"]
        # No check constraint on uses ≤ max_uses: a late payment on an expired order
        # takes its use back even when the coupon ran out meanwhile (the buyer has paid).
        constraints = [
            models.UniqueConstraint(fields=["store", "code"], name="promotions_coupon_code")
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def remaining(self) -> int | None:
        if self.max_uses is None:
            return None
        return max(self.max_uses - self.uses, 0)


class RedemptionStatus(models.TextChoices):
    HELD = "held", _("Held by an unpaid order")
    CONFIRMED = "confirmed", _("Paid")
    RELEASED = "released", _("Released")


class Redemption(StoreOwned):
    """One order's use of one coupon."""

    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="redemptions")
    order = models.ForeignKey(
        "checkout.Order", on_delete=models.CASCADE, related_name="coupon_redemptions"
    )
    email = models.EmailField()
    discount_minor = models.BigIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=RedemptionStatus.choices, default=RedemptionStatus.HELD
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["coupon", "order"], name="promotions_redemption_once")
        ]
        indexes = [models.Index(fields=["coupon", "email", "status"])]

    def __str__(self) -> str:
        return f"{self.coupon_id} on order {self.order_id}"


class StoreSale(StoreOwned):
    """A percentage off every product for a period (Black Friday, Eid, Nowruz…)."""

    name = models.CharField(_("name"), max_length=120)
    percent_bp = models.PositiveIntegerField(_("discount (basis points)"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    excluded_products = models.ManyToManyField(
        "catalog.Product", blank=True, related_name="+", verbose_name=_("not for")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("store-wide sale")
        verbose_name_plural = _("store-wide sales")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["store", "ends_at"])]

    def __str__(self) -> str:
        return self.name


class CrossSell(StoreOwned):
    """“Customers also buy”: on the checkout of `product`, offer `offer` as an extra line."""

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="cross_sells"
    )
    offer = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    discount_bp = models.PositiveIntegerField(_("bundle discount (basis points)"), default=0)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["product", "offer"], name="promotions_cross_sell_once")
        ]

    def __str__(self) -> str:
        return f"{self.product_id} → {self.offer_id}"


class Upsell(StoreOwned):
    """After buying `product` (any product when empty), offer `offer` at a discount for a while."""

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, null=True, blank=True, related_name="upsells"
    )
    offer = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    discount_bp = models.PositiveIntegerField(_("discount (basis points)"))
    valid_hours = models.PositiveIntegerField(_("offer lasts (hours)"), default=24)
    headline = models.CharField(_("headline"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"upsell {self.product_id} → {self.offer_id}"


class UpgradePath(StoreOwned):
    """An owner of `from_product` buys `to_product` for the difference."""

    from_product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="upgrades_from"
    )
    to_product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_product", "to_product"], name="promotions_upgrade_once"
            )
        ]

    def __str__(self) -> str:
        return f"upgrade {self.from_product_id} → {self.to_product_id}"
