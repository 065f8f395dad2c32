"""The `dukkan_ref` cookie: which affiliate sent this visitor, per store.

The value is signed (so nobody forges a referral) and compact, because checkout copies it
unchanged into `Order.referral_code` (at most 200 characters). Entries, newest last::

    <store id>~<first code>~<first time>~<first click id>~<last code>~<last time>~<last click id>~<window days>

times and ids in base 36, entries joined by "|", then `:<signature>`. When the entries of
several stores do not fit, the oldest are dropped.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.signing import BadSignature, Signer

COOKIE_NAME = "dukkan_ref"
MAX_LENGTH = 200
_SALT = "dukkan.affiliates.ref"


def _b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    if number <= 0:
        return "0"
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
    return out


@dataclass(frozen=True)
class Referral:
    store_id: int
    first_code: str
    first_at: datetime
    first_click_id: int
    last_code: str
    last_at: datetime
    last_click_id: int
    window_days: int

    @property
    def expires_at(self) -> datetime:
        return self.last_at + timedelta(days=self.window_days)

    def encode(self) -> str:
        return "~".join(
            [
                _b36(self.store_id),
                self.first_code,
                _b36(int(self.first_at.timestamp())),
                _b36(self.first_click_id),
                self.last_code,
                _b36(int(self.last_at.timestamp())),
                _b36(self.last_click_id),
                _b36(self.window_days),
            ]
        )

    @classmethod
    def decode(cls, text: str) -> Referral | None:
        parts = text.split("~")
        if len(parts) != 8:
            return None
        try:
            return cls(
                store_id=int(parts[0], 36),
                first_code=parts[1],
                first_at=datetime.fromtimestamp(int(parts[2], 36), tz=UTC),
                first_click_id=int(parts[3], 36),
                last_code=parts[4],
                last_at=datetime.fromtimestamp(int(parts[5], 36), tz=UTC),
                last_click_id=int(parts[6], 36),
                window_days=int(parts[7], 36),
            )
        except (ValueError, OverflowError, OSError):
            return None


def parse(raw: str | None) -> dict[int, Referral]:
    """The referrals in a cookie value (or in `Order.referral_code`); {} when forged or broken."""
    if not raw or len(raw) > MAX_LENGTH + 50:
        return {}
    try:
        payload = Signer(salt=_SALT).unsign(raw)
    except BadSignature:
        return {}
    found: dict[int, Referral] = {}
    for text in payload.split("|"):
        referral = Referral.decode(text)
        if referral is not None:
            found[referral.store_id] = referral
    return found


def encode(referrals: dict[int, Referral]) -> str:
    """A signed value of at most `MAX_LENGTH` characters, keeping the most recent stores."""
    signer = Signer(salt=_SALT)
    kept = sorted(referrals.values(), key=lambda r: r.last_at)
    while kept:
        value = signer.sign("|".join(r.encode() for r in kept))
        if len(value) <= MAX_LENGTH:
            return value
        kept = kept[1:]
    return ""


def record_click(
    referrals: dict[int, Referral],
    *,
    store_id: int,
    code: str,
    click_id: int,
    at: datetime,
    window_days: int,
) -> dict[int, Referral]:
    """The referrals after a click on `code`'s link: the first click stays while it is valid."""
    current = {k: r for k, r in referrals.items() if r.expires_at >= at}
    earlier = current.get(store_id)
    if earlier is None or earlier.expires_at < at:
        current[store_id] = Referral(store_id, code, at, click_id, code, at, click_id, window_days)
    else:
        current[store_id] = replace(
            earlier, last_code=code, last_at=at, last_click_id=click_id, window_days=window_days
        )
    return current


def keyed_hash(*parts: str) -> str:
    """A keyed hash (32 hex digits) of personal values we must compare but never keep."""
    message = "\x1f".join(parts).encode()
    key = f"{settings.SECRET_KEY}:{_SALT}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]
