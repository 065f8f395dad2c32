"""Writes to contacts. Every app that learns who a customer is calls `upsert_contact`."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.core.text import normalise
from dukkan.crm.models import Contact

_FIELDS = ("name", "email", "phone", "language", "location", "external_id")


def _search_text(contact: Contact) -> str:
    return normalise(" ".join(filter(None, [contact.name, contact.email, contact.phone])))


def _find(store: Store, *, email: str, external_id: str) -> Contact | None:
    contacts = scoped(Contact, store)
    if external_id:
        found = contacts.filter(external_id=external_id).first()
        if found is not None:
            return found
    if email:
        return contacts.filter(email=email).first()
    return None


def upsert_contact(
    store: Store,
    *,
    email: str = "",
    name: str = "",
    phone: str = "",
    language: str = "",
    location: str = "",
    external_id: str = "",
    contact: Contact | None = None,
) -> Contact:
    """The store's contact for this person, created or completed with what is new.

    Found by verified external id first, then by email; given values replace stored ones
    (people correct their names), empty values never erase what is known.
    """
    email = email.strip().lower()
    values = {
        "name": name.strip(),
        "email": email,
        "phone": phone.strip(),
        "language": language,
        "location": location.strip(),
        "external_id": external_id,
    }
    for _attempt in range(2):
        try:
            with transaction.atomic():
                found = _find(store, email=email, external_id=external_id)
                target = found or contact or Contact(store=store)
                if contact is not None and found is not None and found.pk != contact.pk:
                    target = found  # the person was already known: keep one record
                for field in _FIELDS:
                    if values[field]:
                        setattr(target, field, values[field])
                target.search_text = _search_text(target)
                target.last_seen_at = timezone.now()
                target.save()
                return target
        except IntegrityError:
            # Another request created the same person at the same moment; take theirs.
            continue
    found = _find(store, email=email, external_id=external_id)
    if found is None:
        raise RuntimeError("contact could not be saved")
    return found
