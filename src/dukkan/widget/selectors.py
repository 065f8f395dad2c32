"""Reads for the chat widget: its settings, who may embed it, what it shows."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import validate_host

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


def is_dukkan_origin(origin: str, own: str = "") -> bool:
    """Is `origin` Dukkan's own site: its base address, the address a request came to (`own`),
    or a host this server answers to (ALLOWED_HOSTS, never the "*" wildcard)?"""
    if origin in {_origin_of(settings.DUKKAN_BASE_URL), own.lower()}:
        return True
    try:
        host = urlsplit(origin).hostname or ""
    except ValueError:
        return False
    hosts = [h for h in settings.ALLOWED_HOSTS if h != "*"]
    return bool(host) and validate_host(host if ":" not in host else f"[{host}]", hosts)


def origin_allowed(store: Store, origin: str, own: str = "") -> bool:
    """May a page at `origin` use the store's widget? Its allowed sites, and Dukkan itself.

    A request without an Origin header is not from another site's page (browsers send one
    with every cross-origin request and every WebSocket), so it is not refused here.
    """
    origin = origin.strip().rstrip("/").lower()
    if not origin:
        return True
    if is_dukkan_origin(origin, own):
        return True
    return origin in widget_settings(store).origins
