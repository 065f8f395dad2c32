"""Reads for the chat widget: its settings, who may embed it, what it shows."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

from dukkan.core.models import Store
from dukkan.widget.models import WidgetSettings


def widget_settings(store: Store) -> WidgetSettings:
    """The store's widget settings; the defaults (unsaved) until an owner changes them."""
    found = WidgetSettings.objects.filter(store=store).first()
    return found if found is not None else WidgetSettings(store=store)


def public_store(slug: str) -> Store | None:
    """An active store by its address, for the widget's public endpoints."""
    return Store.objects.filter(slug=slug, is_active=True).first()


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def dukkan_origins(own: str = "") -> set[str]:
    """Dukkan's own site: the configured base address, and `own` (the address a request used)."""
    return {origin for origin in (_origin_of(settings.DUKKAN_BASE_URL), own.lower()) if origin}


def origin_allowed(store: Store, origin: str, own: str = "") -> bool:
    """May a page at `origin` use the store's widget? Its allowed sites, and Dukkan itself."""
    origin = origin.strip().rstrip("/").lower()
    if not origin:
        return False
    if origin in dukkan_origins(own):
        return True
    return origin in widget_settings(store).origins
