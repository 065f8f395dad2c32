"""Licensing: per-product policies, licence keys, machine activations, signing keys, audit.

A licence key is never stored in clear: `key_hash` (SHA-256 of the canonical key, unique)
finds it in one indexed lookup, `key_sealed` (AES-GCM under a key derived from the instance
secret) lets the buyer and the seller see it again.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dukkan.core.tenancy import StoreOwned


def new_product_key() -> str:
    return "pk_" + secrets.token_urlsafe(18)


def empty_list() -> list[str]:
    return []


def empty_dict() -> dict[str, object]:
    return {}


class Duration(models.TextChoices):
    PERPETUAL = "perpetual", _("Perpetual")
    UPDATES = "updates", _("Perpetual, with updates for a number of days")
    TERM = "term", _("Valid for a number of days")


class Binding(models.TextChoices):
    NODE_LOCKED = "node_locked", _("Node-locked (a seat stays with its machine)")
    FLOATING = "floating", _("Floating (a seat is freed when a machine stops checking in)")


class LicencePolicy(StoreOwned):
    """How a product's keys behave; the product key identifies the product to the API."""

    product = models.OneToOneField(
        "catalog.Product", on_delete=models.CASCADE, related_name="licence_policy"
    )
    enabled = models.BooleanField(_("issue licence keys"), default=True)
    product_key = models.CharField(
        _("product key"), max_length=40, unique=True, default=new_product_key, editable=False
    )
    max_activations = models.PositiveSmallIntegerField(
        _("maximum activations"), default=3, help_text=_("Machines or sites per key.")
    )
    duration = models.CharField(
        _("duration"), max_length=20, choices=Duration.choices, default=Duration.PERPETUAL
    )
    duration_days = models.PositiveIntegerField(_("days"), null=True, blank=True)
    binding = models.CharField(
        _("binding"), max_length=20, choices=Binding.choices, default=Binding.NODE_LOCKED
    )
    refresh_hours = models.PositiveIntegerField(
        _("check online every (hours)"),
        default=168,
        help_text=_("0: an offline licence never needs to check in."),
    )
    grace_hours = models.PositiveIntegerField(
        _("grace period offline (hours)"),
        default=336,
        help_text=_("How long the program keeps working past a missed check."),
    )
    deactivation_frees_seat = models.BooleanField(_("deactivating frees a seat"), default=True)
    entitlements = models.JSONField(_("entitlements"), default=empty_list, blank=True)
    flag_fingerprints = models.PositiveSmallIntegerField(
        _("flag a key after this many machines"), default=10
    )
    flag_networks = models.PositiveSmallIntegerField(
        _("flag a key after this many networks"), default=5
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("licence policy")
        verbose_name_plural = _("licence policies")

    def __str__(self) -> str:
        return f"licence policy of product {self.product_id}"


class SigningKey(StoreOwned):
    """A store's Ed25519 key; the newest unretired one signs, all of them verify."""

    key_id = models.CharField(max_length=16, unique=True)
    public_key = models.CharField(max_length=64)  # base64 of the raw 32 bytes
    private_key_sealed = models.TextField()  # AES-GCM under the instance secret
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.key_id


class LicenceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")


class Licence(StoreOwned):
    key_hash = models.CharField(max_length=64, unique=True)
    key_sealed = models.TextField()
    key_hint = models.CharField(max_length=5)  # the last group, for lists and the audit trail
    policy = models.ForeignKey(LicencePolicy, on_delete=models.PROTECT, related_name="licences")
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="licences"
    )
    order = models.ForeignKey(
        "checkout.Order", on_delete=models.CASCADE, related_name="licences", null=True, blank=True
    )
    order_line = models.ForeignKey(
        "checkout.OrderLine",
        on_delete=models.CASCADE,
        related_name="licences",
        null=True,
        blank=True,
    )
    copy = models.PositiveIntegerField(default=1)  # which of the line's quantity
    email = models.EmailField(_("email"), blank=True)
    contact = models.ForeignKey(
        "crm.Contact", on_delete=models.SET_NULL, related_name="licences", null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=LicenceStatus.choices, default=LicenceStatus.ACTIVE
    )
    status_reason = models.CharField(max_length=40, blank=True)
    max_activations = models.PositiveSmallIntegerField(_("maximum activations"))
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    updates_until = models.DateTimeField(_("updates until"), null=True, blank=True)
    entitlements = models.JSONField(default=empty_list, blank=True)
    flagged = models.BooleanField(_("flagged"), default=False)
    flag_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order_line", "product", "copy"],
                condition=Q(order_line__isnull=False),
                name="licensing_licence_once_per_copy",
            )
        ]
        indexes = [
            models.Index(fields=["store", "status", "-created_at"]),
            models.Index(fields=["store", "email"]),
            models.Index(fields=["store", "expires_at"]),
        ]

    def __str__(self) -> str:
        return f"licence …{self.key_hint}"


class ActivationKind(models.TextChoices):
    ONLINE = "online", _("Online")
    OFFLINE = "offline", _("Offline (activation code)")


class Activation(StoreOwned):
    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="activations")
    fingerprint = models.CharField(max_length=16)  # the tag: dukkan_verify.fingerprint_tag
    name = models.CharField(_("machine name"), max_length=200, blank=True)
    metadata = models.JSONField(default=empty_dict, blank=True)
    kind = models.CharField(max_length=10, choices=ActivationKind.choices)
    ip = models.GenericIPAddressField(null=True, blank=True)
    network = models.CharField(max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["licence", "fingerprint"],
                condition=Q(released_at__isnull=True),
                name="licensing_one_live_activation_per_machine",
            )
        ]
        indexes = [models.Index(fields=["licence", "fingerprint"])]

    def __str__(self) -> str:
        return f"activation {self.pk} of licence {self.licence_id}"

    @property
    def is_live(self) -> bool:
        return self.released_at is None


ACTION_LABELS = {
    "issued": _("Issued"),
    "activated": _("Activated"),
    "deactivated": _("Deactivated"),
    "revoked": _("Revoked"),
    "flagged": _("Flagged"),
    "suspend": _("Suspended"),
    "reinstate": _("Reinstated"),
    "revoke": _("Revoked"),
    "extend": _("Extended"),
    "reset": _("Activations reset"),
    "note": _("Note"),
    "unflag": _("Flag cleared"),
}


class LicenceEvent(StoreOwned):
    """The audit trail: every change to a licence or its activations, and who made it."""

    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=40, blank=True)  # "system", "customer", "api"
    note = models.TextField(blank=True)
    data = models.JSONField(default=empty_dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.licence_id}: {self.action}"

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def data_text(self) -> str:
        return ", ".join(f"{key}: {value}" for key, value in self.data.items() if value is not None)
