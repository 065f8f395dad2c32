"""Frame checking and rate limits shared by the WebSocket consumers and the HTTP fallback."""

from __future__ import annotations

import math
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from dukkan.support.models import CLIENT_ID_LIMIT

FRAME_RATE = 20  # frames a second per connection, sustained
FRAME_BURST = 40
VISITOR_MESSAGES = 20  # messages per visitor in one window, across connections and processes
VISITOR_WINDOW = 10  # seconds


class BadFrame(ValueError):
    def __init__(self, message: str, *, ref: str | None = None) -> None:
        super().__init__(message)
        self.ref = ref


class TokenBucket:
    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.stamp = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False

    def retry_after(self) -> float:
        return round(max(0.0, 1 - self.tokens) / self.rate, 2)


def visitor_limit(visitor_id: int) -> int:
    """Count one message of the visitor; seconds to wait when over the limit, else 0.

    A sliding window from two fixed ones (this window's count plus the previous window's,
    weighted by how much of it still overlaps), so a burst across a window boundary is
    caught as well. Counters live in the cache: shared by all processes with Redis.
    """
    now = time.time()
    window = int(now) - int(now) % VISITOR_WINDOW
    key = f"chat.rate.visitor.{visitor_id}.{window}"
    previous = cache.get(f"chat.rate.visitor.{visitor_id}.{window - VISITOR_WINDOW}", 0)
    cache.add(key, 0, timeout=2 * VISITOR_WINDOW + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=2 * VISITOR_WINDOW + 1)
        count = 1
    overlap = 1 - (now - window) / VISITOR_WINDOW
    if count + previous * overlap > VISITOR_MESSAGES:
        return max(1, math.ceil(window + VISITOR_WINDOW - now))
    return 0


def language(code: str) -> str:
    codes = [c for c, _name in settings.LANGUAGES]
    code = (code or "").split("-")[0].lower()
    return code if code in codes else settings.LANGUAGE_CODE


def integer(value: Any, field: str) -> int:
    if isinstance(value, bool):
        raise BadFrame(_("%(field)s must be a whole number.") % {"field": field}, ref=field)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit() and len(value) < 19:
        return int(value)
    raise BadFrame(_("%(field)s must be a whole number.") % {"field": field}, ref=field)


def seq(value: Any, field: str) -> int:
    number = integer(value, field)
    if number < 0:
        raise BadFrame(_("%(field)s must be a whole number.") % {"field": field}, ref=field)
    return number


def boolean(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise BadFrame(_("%(field)s must be true or false.") % {"field": field}, ref=field)
    return value


def text(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise BadFrame(_("%(field)s must be text.") % {"field": field}, ref=field)
    return value


def client_id(value: Any) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= CLIENT_ID_LIMIT:
        raise BadFrame(
            _("client_id must be text of 1 to %(limit)s characters.") % {"limit": CLIENT_ID_LIMIT},
            ref="client_id",
        )
    return value
