"""Delivery: what a buyer may download, how often, and what was downloaded.

An `Entitlement` is one order line's right to one deliverable file (bundles are expanded,
so a bundle line gets one per file of each product in it). Links to it are signed and
expiring (`delivery.tokens`); each request through a link is written to `DownloadLog`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dukkan.core.tenancy import StoreOwned


class DeliverySettings(models.Model):
    """How long links live and how many downloads a buyer gets, per store."""

    store = models.OneToOneField(
        "core.Store", on_delete=models.CASCADE, related_name="delivery_settings"
    )
    link_hours = models.PositiveIntegerField(_("download links last (hours)"), default=24)
    download_limit = models.PositiveIntegerField(_("downloads per file"), default=5)
    magic_link_hours = models.PositiveIntegerField(
        _("“My purchases” sign-in links last (hours)"), default=24
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("delivery settings")
        verbose_name_plural = _("delivery settings")

    def __str__(self) -> str:
        return f"delivery settings of store {self.store_id}"


class RevokeReason(models.TextChoices):
    REFUND = "refund", _("Refunded")
    PARTIAL_REFUND = "partial_refund", _("Refunded (this item)")
    SELLER = "seller", _("Withdrawn by the seller")


class Entitlement(StoreOwned):
    order = models.ForeignKey(
        "checkout.Order", on_delete=models.CASCADE, related_name="entitlements"
    )
    order_line = models.ForeignKey(
        "checkout.OrderLine", on_delete=models.CASCADE, related_name="entitlements"
    )
    product_file = models.ForeignKey(
        "catalog.ProductFile", on_delete=models.PROTECT, related_name="entitlements"
    )
    email = models.EmailField(_("email"))
    downloads_used = models.PositiveIntegerField(_("downloads used"), default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=20, choices=RevokeReason.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order_line_id", "product_file__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order_line", "product_file"], name="delivery_entitlement_once"
            )
        ]
        indexes = [models.Index(fields=["store", "email"])]

    def __str__(self) -> str:
        return f"entitlement {self.pk}: order {self.order_id}, file {self.product_file_id}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class DownloadLog(StoreOwned):
    """One request through a download link: served (200/206/304), or refused and why."""

    entitlement = models.ForeignKey(Entitlement, on_delete=models.CASCADE, related_name="logs")
    version = models.ForeignKey(
        "catalog.FileVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="download_logs",
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    bytes_sent = models.PositiveBigIntegerField(default=0)
    range = models.CharField(max_length=100, blank=True)
    status = models.PositiveSmallIntegerField()
    counted = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.status} {self.entitlement_id} at {self.at:%Y-%m-%d %H:%M}"


class StampedCopy(models.Model):
    """A buyer's stamped PDF, made once per entitlement and version and then reused."""

    entitlement = models.ForeignKey(
        Entitlement, on_delete=models.CASCADE, related_name="stamped_copies"
    )
    version = models.ForeignKey(
        "catalog.FileVersion", on_delete=models.CASCADE, related_name="stamped_copies"
    )
    path = models.CharField(max_length=300)  # a name in the private storage
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entitlement", "version"], name="delivery_stamped_once")
        ]

    def __str__(self) -> str:
        return self.path
