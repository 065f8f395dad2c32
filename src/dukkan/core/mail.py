"""Mail the platform sends on a store's behalf."""

from __future__ import annotations

from django.conf import settings


def from_store(store_name: str) -> str:
    """The platform's sending address under the store's name, so buyers see who writes."""
    address = settings.DEFAULT_FROM_EMAIL
    if "<" in address:
        address = address[address.index("<") + 1 : address.rindex(">")]
    name = store_name.replace('"', "").replace("\n", " ")
    return f'"{name}" <{address}>'
