"""The affiliate programme of a store: its rules, its affiliates, their clicks, commissions and
payouts.

Money is integer minor units of `currency`, like checkout. A commission is computed once, when
its order is paid, from the order's snapshot; refunds only ever reduce it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dukkan.core.tenancy import StoreOwned

# Percent commissions, in basis points: 1% to 75%.
MIN_COMMISSION_BP = 100
MAX_COMMISSION_BP = 7500
MAX_COOKIE_DAYS = 365
# Where checkout has no refund window of its own, commissions are held at least this long,
# so that a refund inside the usual 30-day guarantee reverses them before they are paid.
DEFAULT_REFUND_WINDOW_DAYS = 30


def empty_dict() -> dict[str, Any]:
    return {}


class CommissionKind(models.TextChoices):
    PERCENT = "percent", _("Percentage of the sale")
    FIXED = "fixed", _("Fixed amount per sale")


class Attribution(models.TextChoices):
    LAST_CLICK = "last", _("Last click")
    FIRST_CLICK = "first", _("First click")


class Approval(models.TextChoices):
    MANUAL = "manual", _("I approve each affiliate")
    AUTOMATIC = "automatic", _("Automatic")


class Programme(StoreOwned):
    """A store's affiliate programme (one per store)."""

    is_open = models.BooleanField(_("accepting affiliates"), default=True)
    approval = models.CharField(
        _("approval"), max_length=10, choices=Approval.choices, default=Approval.MANUAL
    )
    commission_kind = models.CharField(
        _("commission"),
        max_length=10,
        choices=CommissionKind.choices,
        default=CommissionKind.PERCENT,
    )
    commission_bp = models.PositiveIntegerField(_("commission (basis points)"), default=2000)
    # A fixed commission per unit sold, per currency: {"SAR": 1500}.
    commission_fixed = models.JSONField(default=empty_dict, blank=True)
    customer_discount_bp = models.PositiveIntegerField(
        _("discount for the affiliate's customers (basis points)"), default=1000
    )
    cookie_days = models.PositiveIntegerField(_("cookie window (days)"), default=30)
    attribution = models.CharField(
        _("attribution"), max_length=5, choices=Attribution.choices, default=Attribution.LAST_CLICK
    )
    hold_days = models.PositiveIntegerField(
        _("hold before payable (days)"), default=DEFAULT_REFUND_WINDOW_DAYS
    )
    min_payout_minor = models.BigIntegerField(_("minimum payout"), default=0)
    terms = models.TextField(_("terms for affiliates"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("affiliate programme")
        verbose_name_plural = _("affiliate programmes")
        constraints = [models.UniqueConstraint(fields=["store"], name="affiliates_one_programme")]

    def __str__(self) -> str:
        return f"affiliate programme of store {self.store_id}"


class ProductCommission(StoreOwned):
    """A product whose commission differs from the programme's default."""

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="affiliate_commissions"
    )
    kind = models.CharField(_("commission"), max_length=10, choices=CommissionKind.choices)
    commission_bp = models.PositiveIntegerField(default=0)
    commission_fixed = models.JSONField(default=empty_dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["store", "product"], name="affiliates_one_override")
        ]
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"commission override for product {self.product_id}"


class AffiliateStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")


class PayoutMethod(models.TextChoices):
    PAYPAL = "paypal", _("PayPal")
    BANK = "bank", _("Bank transfer")
    PAYONEER = "payoneer", _("Payoneer")


class Affiliate(StoreOwned):
    """A person (a user of the accounts app, never a team member for this) promoting a store."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="affiliations"
    )
    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(_("affiliate code"), max_length=20)
    coupon_code = models.CharField(_("coupon code"), max_length=40, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AffiliateStatus.choices,
        default=AffiliateStatus.PENDING,
        db_index=True,
    )
    website = models.CharField(_("where you will promote"), max_length=300, blank=True)
    payout_method = models.CharField(
        _("payout method"), max_length=10, choices=PayoutMethod.choices, default=PayoutMethod.PAYPAL
    )
    payout_details = models.CharField(_("payout details"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=5, default="en")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("affiliate")
        verbose_name_plural = _("affiliates")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["store", "user"], name="affiliates_one_per_user"),
            models.UniqueConstraint(fields=["store", "code"], name="affiliates_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Click(StoreOwned):
    """One visit through an affiliate link; repeats by the same visitor within an hour are one.

    Nothing personal is kept: the IP address only as a keyed hash (to spot many sales from
    one place), the visitor as a keyed hash of IP and browser (to de-duplicate).
    """

    affiliate = models.ForeignKey(Affiliate, on_delete=models.CASCADE, related_name="clicks")
    at = models.DateTimeField(db_index=True)
    hour = models.DateTimeField()
    visitor_hash = models.CharField(max_length=32)
    ip_hash = models.CharField(max_length=32, db_index=True)
    path = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["affiliate", "visitor_hash", "hour"], name="affiliates_click_once_an_hour"
            )
        ]

    def __str__(self) -> str:
        return f"click for {self.affiliate_id} at {self.at.isoformat()}"


class CommissionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAYABLE = "payable", _("Payable")
    PAID = "paid", _("Paid")
    REVERSED = "reversed", _("Reversed")
    REJECTED = "rejected", _("Not earned")


class Source(models.TextChoices):
    COOKIE = "cookie", _("Affiliate link")
    COUPON = "coupon", _("Affiliate coupon")


class PayoutBatch(StoreOwned):
    """Payouts the owner marked paid together, with how and the payment's reference."""

    method = models.CharField(_("paid with"), max_length=10, choices=PayoutMethod.choices)
    reference = models.CharField(_("reference"), max_length=200)
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"payout batch {self.pk}"


class Payout(StoreOwned):
    batch = models.ForeignKey(PayoutBatch, on_delete=models.CASCADE, related_name="payouts")
    affiliate = models.ForeignKey(Affiliate, on_delete=models.PROTECT, related_name="payouts")
    amount_minor = models.BigIntegerField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    method = models.CharField(_("paid with"), max_length=10, choices=PayoutMethod.choices)
    reference = models.CharField(_("reference"), max_length=200)
    payout_details = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return f"payout {self.pk} to {self.affiliate_id}"


class Commission(StoreOwned):
    """What one paid order earned its affiliate (or why it earned nothing)."""

    affiliate = models.ForeignKey(Affiliate, on_delete=models.PROTECT, related_name="commissions")
    order = models.OneToOneField(
        "checkout.Order", on_delete=models.PROTECT, related_name="affiliate_commission"
    )
    click = models.ForeignKey(
        Click, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(_("through"), max_length=10, choices=Source.choices)
    currency = models.CharField(_("currency"), max_length=3)
    base_minor = models.BigIntegerField(_("sale without VAT"))
    amount_minor = models.BigIntegerField(_("commission"))
    reversed_minor = models.BigIntegerField(_("reversed"), default=0)
    # Reversed after it was paid: taken from the affiliate's next payout.
    clawback_minor = models.BigIntegerField(default=0)
    clawback_payout = models.ForeignKey(
        Payout, on_delete=models.SET_NULL, null=True, blank=True, related_name="clawbacks"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CommissionStatus.choices, db_index=True
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    flagged = models.BooleanField(_("flagged"), default=False)
    flag_reason = models.CharField(_("flag reason"), max_length=500, blank=True)
    payable_at = models.DateTimeField(_("payable from"), db_index=True)
    payout = models.ForeignKey(
        Payout, on_delete=models.SET_NULL, null=True, blank=True, related_name="commissions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["store", "affiliate", "status"])]

    def __str__(self) -> str:
        return f"commission on order {self.order_id}"

    @property
    def net_minor(self) -> int:
        return self.amount_minor - self.reversed_minor
