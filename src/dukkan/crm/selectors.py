"""Reads of contacts."""

from __future__ import annotations

from django.db.models import QuerySet

from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.core.text import normalise
from dukkan.crm.models import Contact


def contact_by_email(store: Store, email: str) -> Contact | None:
    return scoped(Contact, store).filter(email=email.strip().lower()).first()


def search_contacts(store: Store, query: str) -> QuerySet[Contact]:
    """Contacts whose name, email or phone contain `query`, however it is spelled."""
    contacts = scoped(Contact, store).order_by("-updated_at")
    for word in normalise(query).split():
        contacts = contacts.filter(search_text__contains=word)
    return contacts
