"""Writes for the chat widget: its settings, the host site's signed identity, rate limits."""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

from django.core.cache import cache
from django.db import transaction

from dukkan.core.models import Store
from dukkan.widget.models import WidgetSettings

SETTINGS_FIELDS = (
    "enabled",
    "allowed_origins",
    "prechat_mode",
    "prechat_name",
    "prechat_email",
    "prechat_phone",
    "welcome_ar",
    "welcome_fa",
    "welcome_en",
    "reply_time",
    "accent_colour",
    "sound",
)


@transaction.atomic
def update_settings(store: Store, **values: Any) -> WidgetSettings:
    """Save the store's widget settings (validated); unknown fields are refused."""
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"not widget settings: {', '.join(sorted(unknown))}")
    found, _created = WidgetSettings.objects.select_for_update().get_or_create(store=store)
    for field, value in values.items():
        if field == "allowed_origins":
            value = "\n".join(line.strip() for line in str(value).splitlines() if line.strip())
        setattr(found, field, value)
    found.full_clean()
    found.save()
    return found


def identity_signature(store: Store, user_id: str) -> str:
    """What the host site sends along with a signed-in customer's id: hex HMAC-SHA256."""
    return hmac.new(store.secret.encode(), user_id.encode(), hashlib.sha256).hexdigest()


def identity_is_genuine(store: Store, user_id: str, signature: str) -> bool:
    """Did the store's own site (which alone knows its secret) vouch for this user id?"""
    if not user_id or not signature:
        return False
    expected = identity_signature(store, user_id)
    return hmac.compare_digest(expected.encode(), signature.strip().lower().encode())


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited; retry after {retry_after} s")
        self.retry_after = retry_after


def hit(key: str, *, limit: int, window: int) -> None:
    """Count one event under `key` in a fixed window; raise `RateLimited` past `limit`.

    The counter lives in the shared cache (Redis when scaled out), so every server process
    counts together.
    """
    now = int(time.time())
    bucket = now // window
    cache_key = f"widget-rate:{key}:{bucket}"
    cache.add(cache_key, 0, window + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, window + 5)
        count = 1
    if count > limit:
        raise RateLimited(retry_after=(bucket + 1) * window - now or 1)
