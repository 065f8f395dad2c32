"""Contacts: one record per person a store deals with, whichever way they came in.

The inbox (support), checkout (orders) and later email and licensing all point at the same
`Contact`, so an agent sees one customer, not islands.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dukkan.core.tenancy import StoreOwned


class Contact(StoreOwned):
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)  # stored lower-cased
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    # The host site's own user id, set only when the host proved it (HMAC with the store secret).
    external_id = models.CharField(_("verified user id"), max_length=200, blank=True)
    search_text = models.TextField(blank=True, editable=False)  # normalised, for lookup
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["store", "email"], condition=~Q(email=""), name="crm_contact_unique_email"
            ),
            models.UniqueConstraint(
                fields=["store", "external_id"],
                condition=~Q(external_id=""),
                name="crm_contact_unique_external_id",
            ),
        ]
        indexes = [models.Index(fields=["store", "-updated_at"])]

    def __str__(self) -> str:
        return self.name or self.email or self.phone or f"#{self.pk}"

    @property
    def display_name(self) -> str:
        return str(self)
