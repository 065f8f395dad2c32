"""Buyers' ratings of services and products, one per order, with the seller's one reply."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dukkan.core.tenancy import StoreOwned


class Review(StoreOwned):
    """`store` is the seller. A service review points at its gig order, a product review at
    the checkout order and the product; either way one review per order."""

    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="reviews")
    gig_order = models.OneToOneField(
        "gigs.GigOrder", on_delete=models.CASCADE, null=True, blank=True, related_name="review"
    )
    checkout_order = models.ForeignKey(
        "checkout.Order", on_delete=models.CASCADE, related_name="reviews"
    )
    contact = models.ForeignKey(
        "crm.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="reviews"
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviews",
    )
    buyer_name = models.CharField(_("name"), max_length=200, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    reply = models.TextField(_("seller's reply"), blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["checkout_order"], name="reviews_one_per_order"),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="reviews_rating_range"
            ),
        ]
        indexes = [
            models.Index(fields=["store", "hidden", "-created_at"]),
            models.Index(fields=["product", "hidden", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.rating}★ on {self.product_id}"
