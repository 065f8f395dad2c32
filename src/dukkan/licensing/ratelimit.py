"""Fixed-window counters in the cache: per IP, per licence key, and invalid keys per IP.

With Redis every counter of a request moves in one pipelined round trip; other cache
backends use add + incr. Limits come from the environment (12-factor):
DUKKAN_LICENSE_RATE_PER_IP, DUKKAN_LICENSE_RATE_PER_KEY (requests per minute) and
DUKKAN_LICENSE_INVALID_PER_IP (unknown or malformed keys per 10 minutes).
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache


def _env(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Limits:
    per_ip: int
    per_key: int
    invalid_per_ip: int
    window: int = 60
    invalid_window: int = 600


def limits() -> Limits:
    return Limits(
        per_ip=_env("DUKKAN_LICENSE_RATE_PER_IP", 600),
        per_key=_env("DUKKAN_LICENSE_RATE_PER_KEY", 60),
        invalid_per_ip=_env("DUKKAN_LICENSE_INVALID_PER_IP", 20),
    )


class Throttled(Exception):
    def __init__(self, retry_after: int, what: str) -> None:
        super().__init__(what)
        self.retry_after = max(1, retry_after)
        self.what = what


def _bucket(name: str, window: int, now: float) -> tuple[str, int]:
    start = int(now // window)
    return f"lic:rl:{name}:{start}", math.ceil((start + 1) * window - now)


def check(ip: str, key_hash: str | None) -> None:
    """Counts this request; raises Throttled when the IP, the key or the IP's misses are over."""
    rules = limits()
    now = time.time()
    ip_name, ip_retry = _bucket(f"ip:{ip}", rules.window, now)
    bad_name, bad_retry = _bucket(f"bad:{ip}", rules.invalid_window, now)
    key_name, key_retry = _bucket(f"key:{key_hash}", rules.window, now)
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client(write=True)
        pipe = client.pipeline(transaction=False)
        ip_full = backend.make_and_validate_key(ip_name)
        pipe.incr(ip_full)
        pipe.expire(ip_full, rules.window + 1)
        pipe.get(backend.make_and_validate_key(bad_name))
        if key_hash:
            key_full = backend.make_and_validate_key(key_name)
            pipe.incr(key_full)
            pipe.expire(key_full, rules.window + 1)
        answers = pipe.execute()
        ip_count, bad_count = int(answers[0]), int(answers[2] or 0)
        key_count = int(answers[3]) if key_hash else 0
    else:
        ip_count = _incr(ip_name, rules.window)
        bad_count = int(cache.get(bad_name) or 0)
        key_count = _incr(key_name, rules.window) if key_hash else 0
    if bad_count >= rules.invalid_per_ip:
        raise Throttled(bad_retry, "invalid_keys")
    if ip_count > rules.per_ip:
        raise Throttled(ip_retry, "ip")
    if key_hash and key_count > rules.per_key:
        raise Throttled(key_retry, "key")


def _incr(name: str, window: int) -> int:
    cache.add(name, 0, window + 1)
    try:
        return int(cache.incr(name))
    except ValueError:
        cache.set(name, 1, window + 1)
        return 1


def count_invalid(ip: str) -> None:
    """One more unknown or malformed key from `ip`."""
    rules = limits()
    name, _retry = _bucket(f"bad:{ip}", rules.invalid_window, time.time())
    _incr(name, rules.invalid_window)
