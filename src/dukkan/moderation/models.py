"""Strict review of listings and infringement reports, in one operator queue."""

from __future__ import annotations

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


class ModerationSettings(models.Model):
    """The operator's settings (one row, pk=1). Off by default: listings publish at once."""

    review_listings = models.BooleanField(
        _("review listings before they are public"), default=False
    )
    min_description_chars = models.PositiveIntegerField(
        _("shortest description (characters)"), default=80
    )
    prohibited_words = models.TextField(
        _("prohibited words"), blank=True, help_text=_("One word or phrase a line.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "moderation settings"


class Kind(models.TextChoices):
    LISTING = "listing", _("New or changed listing")
    INFRINGEMENT = "infringement", _("Infringement report")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    TAKEN_DOWN = "taken_down", _("Taken down")
    RESTORED = "restored", _("Restored")
    DISMISSED = "dismissed", _("Dismissed")


# A listing whose latest review is in one of these is not public.
HOLDING = (
    ReviewStatus.PENDING,
    ReviewStatus.CHANGES_REQUESTED,
    ReviewStatus.REJECTED,
    ReviewStatus.TAKEN_DOWN,
)


class ListingReview(StoreOwned):
    """`store` owns the listing. For an infringement report `reporter` is the complaining store."""

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.LISTING)
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="listing_reviews"
    )
    status = models.CharField(
        max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.PENDING, db_index=True
    )
    # Only the newest review of a product decides whether it is public.
    current = models.BooleanField(default=True)
    checks = models.JSONField(default=empty_list, blank=True)  # [{code, ok, detail}]
    checklist = models.JSONField(default=empty_dict, blank=True)  # {item: bool}
    reasons = models.TextField(_("reasons"), blank=True)
    snapshot = models.JSONField(default=empty_dict, blank=True)  # title, description, price
    reporter = models.ForeignKey(
        "core.Store", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    report = models.TextField(_("what is infringed"), blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["submitted_at", "pk"]
        indexes = [models.Index(fields=["status", "submitted_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["product"],
                condition=Q(current=True, kind="listing"),
                name="moderation_one_current_review",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.product_id} {self.status}"
