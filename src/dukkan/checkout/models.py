"""Orders, their audit trail, payment attempts, provider webhooks and refunds.

Money is integer minor units of `currency` (ISO 4217); an order's amounts are snapshots taken
from the catalog on the server when the buyer checks out, never from the form.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dukkan.core.tenancy import StoreOwned


def new_order_token() -> str:
    return secrets.token_urlsafe(24)


def empty_dict() -> dict[str, Any]:
    return {}


def default_providers() -> list[str]:
    return ["test"]


class SellingSettings(models.Model):
    """How a store sells: VAT, which payment providers the buyer may choose, and their keys.

    `provider_config` maps a provider code to its settings (keys, secrets, webhook secrets);
    secrets are written from the dashboard and never rendered back.
    """

    store = models.OneToOneField(
        "core.Store", on_delete=models.CASCADE, related_name="selling_settings"
    )
    vat_rate_bp = models.PositiveIntegerField(
        _("VAT rate (basis points)"),
        default=0,
        help_text=_("1500 means 15 percent; 0 means no VAT."),
    )
    prices_include_tax = models.BooleanField(_("prices include VAT"), default=True)
    providers = models.JSONField(_("payment methods"), default=default_providers, blank=True)
    provider_config = models.JSONField(default=empty_dict, blank=True)
    # Bank-transfer instructions per language code ("ar", "fa", "en").
    bank_instructions = models.JSONField(default=empty_dict, blank=True)
    pending_expiry_minutes = models.PositiveIntegerField(
        _("cancel unpaid orders after (minutes)"), default=60
    )
    # The last order number handed out; numbers are increasing and may have gaps.
    last_order_number = models.PositiveBigIntegerField(default=1000, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("selling settings")
        verbose_name_plural = _("selling settings")

    def __str__(self) -> str:
        return f"selling settings of store {self.store_id}"

    def config(self, provider: str) -> dict[str, str]:
        value = (self.provider_config or {}).get(provider) or {}
        return {str(k): str(v) for k, v in value.items()}


class OrderStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting payment")
    PAID = "paid", _("Paid")
    FULFILLED = "fulfilled", _("Files delivered")
    FAILED = "failed", _("Payment failed")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")


class Order(StoreOwned):
    number = models.CharField(_("number"), max_length=20)
    token = models.CharField(max_length=64, unique=True, default=new_order_token, editable=False)
    email = models.EmailField(_("email"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    contact = models.ForeignKey(
        "crm.Contact", on_delete=models.PROTECT, related_name="orders", null=True, blank=True
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="orders",
        null=True,
        blank=True,
    )
    language = models.CharField(_("language"), max_length=5, default="en")
    currency = models.CharField(_("currency"), max_length=3)
    subtotal_minor = models.BigIntegerField(_("subtotal"), default=0)
    tax_minor = models.BigIntegerField(_("VAT"), default=0)
    total_minor = models.BigIntegerField(_("total"), default=0)
    # Snapshots of the store's tax rule when the order was made.
    vat_rate_bp = models.PositiveIntegerField(default=0)
    tax_included = models.BooleanField(default=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=OrderStatus.choices,
        default=OrderStatus.PENDING,
        db_index=True,
    )
    refunded_minor = models.BigIntegerField(_("refunded"), default=0)
    # Coupons, bundle and upgrade discounts together (the lines' discounts); VAT is computed
    # on subtotal − discount.
    discount_minor = models.BigIntegerField(_("discount"), default=0)
    coupon_code = models.CharField(_("coupon code"), max_length=64, blank=True)
    # The raw `dukkan_ref` cookie at checkout; the affiliates app parses it.
    referral_code = models.CharField(max_length=200, blank=True)
    marketing_consent = models.BooleanField(_("agreed to news and offers"), default=False)
    provider = models.CharField(_("payment method"), max_length=30)
    provider_reference = models.CharField(_("payment reference"), max_length=200, blank=True)
    # True while the order holds copies of limited products (released on cancel/failure).
    holds_copies = models.BooleanField(default=False)
    flagged = models.BooleanField(_("flagged"), default=False)
    flag_reason = models.TextField(_("flag reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["store", "number"], name="checkout_order_number")
        ]
        indexes = [
            models.Index(fields=["store", "status", "-created_at"]),
            models.Index(fields=["store", "email"]),
            models.Index(fields=["provider", "provider_reference"]),
        ]

    def __str__(self) -> str:
        return f"#{self.number}"

    @property
    def net_minor(self) -> int:
        """What VAT is computed on: the lines as priced, less their discounts."""
        return self.subtotal_minor - self.discount_minor

    @property
    def refundable_minor(self) -> int:
        return self.total_minor - self.refunded_minor

    @property
    def is_paid(self) -> bool:
        return self.status in {
            OrderStatus.PAID,
            OrderStatus.FULFILLED,
            OrderStatus.PARTIALLY_REFUNDED,
        }


class OrderLine(StoreOwned):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="order_lines"
    )
    title = models.CharField(_("title"), max_length=300)
    unit_price_minor = models.BigIntegerField(_("unit price"))
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    total_minor = models.BigIntegerField(_("line total"))
    # The coupon/bundle/upgrade discount on this line; what was paid is total − discount.
    discount_minor = models.BigIntegerField(_("discount"), default=0)
    refunded = models.BooleanField(_("refunded"), default=False)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.title}"

    @property
    def net_minor(self) -> int:
        return self.total_minor - self.discount_minor


class OrderEvent(StoreOwned):
    """The audit trail: one row per status change or notable action on an order."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who acted when no person did: "system", "buyer" or a provider code.
    actor_label = models.CharField(max_length=40, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=empty_dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status} → {self.to_status}"


class PaymentStatus(models.TextChoices):
    STARTED = "started", _("Started")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class Payment(StoreOwned):
    """One attempt to pay an order through a provider."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="payments")
    provider = models.CharField(max_length=30)
    reference = models.CharField(max_length=200, blank=True, db_index=True)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.STARTED
    )
    raw = models.JSONField(default=empty_dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.provider} {self.reference}"


class WebhookEvent(StoreOwned):
    """A provider's notification, stored as received before anything else happens.

    A verified event id is unique per store and provider, so a notification delivered many
    times is processed once; unverified ones are kept for the log and never processed.
    """

    provider = models.CharField(max_length=30)
    event_id = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    headers = models.JSONField(default=empty_dict, blank=True)
    signature_ok = models.BooleanField(default=False)
    order = models.ForeignKey(
        Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="webhook_events"
    )
    result = models.CharField(max_length=40, blank=True)
    error = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "provider", "event_id"],
                condition=Q(signature_ok=True),
                name="checkout_webhook_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id}"


class Refund(StoreOwned):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="refunds")
    amount_minor = models.BigIntegerField(_("amount"))
    reason = models.TextField(_("reason"), blank=True)
    lines = models.ManyToManyField(OrderLine, blank=True, related_name="refunds")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    provider_reference = models.CharField(max_length=200, blank=True)
    # "done" when the provider refunded (or has no refund API and the owner pays back by hand).
    provider_status = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"refund {self.amount_minor} of order {self.order_id}"
