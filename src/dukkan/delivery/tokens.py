"""Signed, expiring tokens: download links and "My purchases" sign-in links.

A download token is compact and URL-safe:

    <entitlement id>.<version id or "c" for current>.<expiry, unix seconds>.<nonce>.<signature>

(numbers in base 36). The signature is HMAC-SHA256 over everything before it, with a key
derived from SECRET_KEY and the store's own secret, cut to 128 bits. The entitlement id is
readable so the store (and with it the key) can be found before the signature is checked;
rotating a store's secret invalidates all its outstanding links at once.

A "My purchases" token is `django.core.signing` (timestamped, salted with the store's secret)
over the store id and the buyer's email: good for one store only, for the store's
`magic_link_hours`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.utils.http import base36_to_int, int_to_base36

from dukkan.core.models import Store

CURRENT = "c"
_SIGNATURE_BYTES = 16


class BadToken(Exception):
    """The token is malformed or its signature does not match."""


@dataclass(frozen=True)
class DownloadClaim:
    entitlement_id: int
    version_id: int | None  # None: the file's current version
    expires_at: int  # unix seconds

    @property
    def expired(self) -> bool:
        return time.time() > self.expires_at


def _key(store: Store, purpose: str) -> bytes:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"dukkan.delivery.{purpose}:{store.secret}".encode(), "sha256"
    ).digest()


def _sign(store: Store, payload: str) -> str:
    digest = hmac.new(_key(store, "download"), payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:_SIGNATURE_BYTES]).rstrip(b"=").decode()


def make_download_token(
    store: Store, entitlement_id: int, version_id: int | None, expires_at: int
) -> str:
    version = int_to_base36(version_id) if version_id is not None else CURRENT
    nonce = secrets.token_urlsafe(6)
    payload = f"{int_to_base36(entitlement_id)}.{version}.{int_to_base36(expires_at)}.{nonce}"
    return f"{payload}.{_sign(store, payload)}"


def read_download_token(token: str) -> DownloadClaim:
    """The claim in `token`, NOT yet verified: call `verify_download_token` with its store."""
    parts = token.split(".")
    if len(parts) != 5 or len(token) > 200:
        raise BadToken("malformed")
    entitlement, version, expires, _nonce, _signature = parts
    try:
        return DownloadClaim(
            entitlement_id=base36_to_int(entitlement),
            version_id=None if version == CURRENT else base36_to_int(version),
            expires_at=base36_to_int(expires),
        )
    except ValueError as error:
        raise BadToken("malformed") from error


def verify_download_token(token: str, store: Store) -> DownloadClaim:
    claim = read_download_token(token)
    payload, _, signature = token.rpartition(".")
    if not hmac.compare_digest(_sign(store, payload), signature):
        raise BadToken("signature")
    return claim


def _purchases_salt(store: Store) -> str:
    return f"dukkan.delivery.purchases:{store.pk}:{store.secret}"


def make_purchases_token(store: Store, email: str) -> str:
    return signing.dumps({"s": store.pk, "e": email.strip().lower()}, salt=_purchases_salt(store))


def read_purchases_token(token: str, store: Store, max_age_seconds: int) -> str:
    """The email a valid, unexpired token of this store was made for; BadToken otherwise."""
    try:
        data = signing.loads(token, salt=_purchases_salt(store), max_age=max_age_seconds)
    except signing.SignatureExpired as error:
        raise BadToken("expired") from error
    except signing.BadSignature as error:
        raise BadToken("signature") from error
    if not isinstance(data, dict) or data.get("s") != store.pk or not data.get("e"):
        raise BadToken("payload")
    return str(data["e"])
