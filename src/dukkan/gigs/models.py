"""Micro-service orders (gigs): packages, extras, requirements, orders, deliveries, ledger.

A service is a `catalog.Product` of kind "service"; its packages (basic/standard/premium)
are priced here and sold through checkout with a priced line. A paid checkout order becomes
a `GigOrder` whose every status change goes through `services.transition` and leaves a
`GigOrderEvent`. Money is integer minor units; a seller's balance is always the sum of its
`LedgerEntry` rows (see `selectors.balance`), never a stored number.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dukkan.core.tenancy import StoreOwned


def empty_list() -> list[Any]:
    return []


def empty_dict() -> dict[str, Any]:
    return {}


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _store_path(instance: Any, kind: str, filename: str) -> str:
    return f"stores/{instance.store_id}/gigs/{kind}/{secrets.token_hex(8)}/{filename}"


def requirement_upload_to(instance: Any, filename: str) -> str:
    return _store_path(instance, "requirements", filename)


def delivery_upload_to(instance: Any, filename: str) -> str:
    return _store_path(instance, "deliveries", filename)


class MarketplaceSettings(models.Model):
    """The operator's settings for the whole marketplace (one row, pk=1)."""

    commission_bp = models.PositiveIntegerField(
        _("platform commission (basis points)"),
        default=2000,
        help_text=_("2000 means 20 percent of each service order."),
    )
    clearing_days = models.PositiveIntegerField(
        _("clearing period (days)"),
        default=14,
        help_text=_("Earnings become withdrawable this many days after an order completes."),
    )
    auto_complete_days = models.PositiveIntegerField(
        _("auto-complete after delivery (days)"),
        default=3,
        help_text=_("A delivered order with no answer from the buyer completes by itself."),
    )
    review_after_days = models.PositiveIntegerField(
        _("product reviews open after (days)"),
        default=3,
        help_text=_("Buyers of products may review once they downloaded or after this period."),
    )
    max_requirement_file_mb = models.PositiveIntegerField(
        _("largest requirement or delivery file (MB)"), default=25
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("marketplace settings")
        verbose_name_plural = _("marketplace settings")

    def __str__(self) -> str:
        return "marketplace settings"


class Tier(models.TextChoices):
    BASIC = "basic", _("Basic")
    STANDARD = "standard", _("Standard")
    PREMIUM = "premium", _("Premium")


TIER_ORDER: dict[str, int] = {Tier.BASIC: 0, Tier.STANDARD: 1, Tier.PREMIUM: 2}


class ServicePackage(StoreOwned):
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="service_packages"
    )
    tier = models.CharField(_("package"), max_length=10, choices=Tier.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    price_minor = models.PositiveBigIntegerField(_("price"))
    currency = models.CharField(_("currency"), max_length=3)
    delivery_days = models.PositiveSmallIntegerField(_("delivery (days)"))
    revisions = models.PositiveSmallIntegerField(_("revisions"), default=1)
    # What this package includes: a list of short phrases ("source files", "3 pages").
    features = models.JSONField(_("included"), default=empty_list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("service package")
        verbose_name_plural = _("service packages")
        constraints = [
            models.UniqueConstraint(fields=["product", "tier"], name="gigs_package_per_tier"),
            models.CheckConstraint(condition=Q(delivery_days__gte=1), name="gigs_package_days"),
        ]
        indexes = [models.Index(fields=["store", "product"])]

    def __str__(self) -> str:
        return f"{self.product_id}/{self.tier}"


class ServiceExtra(StoreOwned):
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="service_extras"
    )
    title = models.CharField(_("title"), max_length=120)
    price_minor = models.PositiveBigIntegerField(_("price"))
    currency = models.CharField(_("currency"), max_length=3)
    extra_days = models.PositiveSmallIntegerField(_("extra days"), default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("service extra")
        verbose_name_plural = _("service extras")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Text answer")
    FILE = "file", _("File")


class RequirementQuestion(StoreOwned):
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="requirement_questions"
    )
    question = models.CharField(_("question"), max_length=300)
    kind = models.CharField(
        _("answer type"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.TEXT
    )
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("requirement question")
        verbose_name_plural = _("requirement questions")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.question


class GigSelection(StoreOwned):
    """What the buyer chose at checkout (package, extras), until the order is paid."""

    checkout_order = models.OneToOneField(
        "checkout.Order", on_delete=models.CASCADE, related_name="gig_selection"
    )
    package = models.ForeignKey(ServicePackage, on_delete=models.PROTECT, related_name="+")
    extra_ids = models.JSONField(default=empty_list, blank=True)
    price_minor = models.BigIntegerField()
    delivery_days = models.PositiveSmallIntegerField()
    revisions = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)


class GigStatus(models.TextChoices):
    REQUIREMENTS_PENDING = "requirements_pending", _("Waiting for requirements")
    IN_PROGRESS = "in_progress", _("In progress")
    DELIVERED = "delivered", _("Delivered")
    REVISION_REQUESTED = "revision_requested", _("Revision requested")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    DISPUTED = "disputed", _("In dispute")


OPEN_STATUSES = (
    GigStatus.REQUIREMENTS_PENDING,
    GigStatus.IN_PROGRESS,
    GigStatus.DELIVERED,
    GigStatus.REVISION_REQUESTED,
    GigStatus.DISPUTED,
)


class GigOrder(StoreOwned):
    """One paid service order; `store` is the seller."""

    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="gig_orders"
    )
    package = models.ForeignKey(
        ServicePackage, on_delete=models.PROTECT, related_name="orders", null=True, blank=True
    )
    tier = models.CharField(_("package"), max_length=10, choices=Tier.choices)
    title = models.CharField(_("title"), max_length=300)
    # One gig order per checkout order (the OrderPaid handler is idempotent on this).
    checkout_order = models.OneToOneField(
        "checkout.Order", on_delete=models.PROTECT, related_name="gig_order"
    )
    contact = models.ForeignKey(
        "crm.Contact", on_delete=models.PROTECT, related_name="gig_orders", null=True, blank=True
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="gig_orders",
        null=True,
        blank=True,
    )
    buyer_email = models.EmailField(_("buyer's email"))
    buyer_name = models.CharField(_("buyer's name"), max_length=200, blank=True)
    extras = models.JSONField(_("extras"), default=empty_list, blank=True)  # [{title, price}]
    price_minor = models.BigIntegerField(_("price"))  # what the buyer paid for the order
    commission_minor = models.BigIntegerField(_("platform commission"))
    commission_bp = models.PositiveIntegerField(default=0)  # the rate when it was paid
    currency = models.CharField(_("currency"), max_length=3)
    delivery_days = models.PositiveSmallIntegerField(_("delivery (days)"))
    revisions_allowed = models.PositiveSmallIntegerField(_("revisions included"))
    revisions_used = models.PositiveSmallIntegerField(_("revisions used"), default=0)
    refunded_minor = models.BigIntegerField(_("refunded"), default=0)
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=GigStatus.choices,
        default=GigStatus.REQUIREMENTS_PENDING,
        db_index=True,
    )
    requirements = models.JSONField(default=empty_list, blank=True)  # [{question, answer}]
    # A pending mutual-cancellation proposal: "buyer" or "seller" proposed it.
    cancel_proposed_by = models.CharField(max_length=10, blank=True)
    cancel_reason = models.TextField(blank=True)
    dispute_reason = models.TextField(blank=True)
    conversation = models.ForeignKey(
        "support.Conversation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="gig_orders",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)  # requirements received
    due_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)  # the first delivery
    last_delivered_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # True when the first delivery came after due_at, or the order passed due_at undelivered.
    is_late = models.BooleanField(_("late"), default=False)
    auto_completed = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("service order")
        verbose_name_plural = _("service orders")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["store", "status", "-created_at"]),
            models.Index(fields=["store", "completed_at"]),
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["status", "last_delivered_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(refunded_minor__gte=0) & Q(refunded_minor__lte=models.F("price_minor")),
                name="gigs_order_refund_bounds",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.pk})"

    @property
    def revisions_left(self) -> int:
        return max(self.revisions_allowed - self.revisions_used, 0)

    @property
    def seller_share_minor(self) -> int:
        return self.price_minor - self.commission_minor


class GigOrderEvent(StoreOwned):
    """The timeline: one row per status change or notable action on a gig order."""

    order = models.ForeignKey(GigOrder, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    action = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # "buyer", "seller", "operator" or "system".
    actor_role = models.CharField(max_length=10)
    note = models.TextField(blank=True)
    data = models.JSONField(default=empty_dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["order", "created_at"])]

    @property
    def to_label(self) -> str:
        return str(GigStatus(self.to_status).label) if self.to_status in GigStatus.values else ""


class RequirementFile(StoreOwned):
    order = models.ForeignKey(GigOrder, on_delete=models.CASCADE, related_name="requirement_files")
    question = models.ForeignKey(
        RequirementQuestion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file = models.FileField(upload_to=requirement_upload_to, max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField(default=0)


class Delivery(StoreOwned):
    order = models.ForeignKey(GigOrder, on_delete=models.CASCADE, related_name="deliveries")
    message = models.TextField(_("message"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    late = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")


class DeliveryFile(StoreOwned):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=delivery_upload_to, max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField(default=0)


class LedgerKind(models.TextChoices):
    EARNING = "earning", _("Earning")
    COMMISSION = "commission", _("Platform commission")
    CLEARING = "clearing", _("Clearing")
    PAYOUT = "payout", _("Payout")
    BONUS = "bonus", _("Bonus")
    REFUND = "refund", _("Refund")


class LedgerEntry(StoreOwned):
    """One signed movement of a seller's money; never updated or deleted.

    `available_at` NULL means held (the order is not completed); a date is when the amount
    becomes withdrawable. Completion writes a pair of `clearing` entries that move the
    order's net share from held to cleared-at-a-date. The platform's own balance is
    −(commission entries) − (bonus entries).
    """

    gig_order = models.ForeignKey(
        GigOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entries"
    )
    kind = models.CharField(max_length=12, choices=LedgerKind.choices)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    available_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [
            models.Index(fields=["store", "kind", "created_at"]),
            models.Index(fields=["store", "available_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount_minor} {self.currency}"
