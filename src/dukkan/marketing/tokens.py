"""Signed tokens of the mailing list.

- list token `<store>.<subscriber>.<campaign or 0>.<signature>` (base 36 numbers): the
  unsubscribe and manage links in every email. It does not expire (an old email's unsubscribe
  link must keep working) and names its store, so the key can be found before checking.
- confirm token: `django.core.signing`, timestamped, salted with the store's secret; good for
  `CONFIRM_HOURS` only (double opt-in).
- tracking tokens: `<recipient>.<signature>`; a click's signature also covers the target URL,
  so the redirect can never be turned into an open redirect.

Signatures are HMAC-SHA256 with a key derived from SECRET_KEY and the store's secret, cut to
128 bits; rotating the store's secret invalidates every link at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.utils.http import base36_to_int, int_to_base36

from dukkan.core.models import Store

CONFIRM_HOURS = 72


class BadToken(Exception):
    """Malformed, forged, expired or for another store."""


@dataclass(frozen=True)
class ListClaim:
    store_id: int
    subscriber_id: int
    campaign_id: int | None


def _key(store: Store, purpose: str) -> bytes:
    return hmac.new(
        settings.SECRET_KEY.encode(),
        f"dukkan.marketing.{purpose}:{store.secret}".encode(),
        "sha256",
    ).digest()


def _sign(store: Store, purpose: str, payload: str) -> str:
    digest = hmac.new(_key(store, purpose), payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


def make_list_token(store: Store, subscriber_id: int, campaign_id: int | None = None) -> str:
    payload = ".".join(int_to_base36(n) for n in (store.pk, subscriber_id, campaign_id or 0))
    return f"{payload}.{_sign(store, 'list', payload)}"


def read_list_token(token: str) -> ListClaim:
    """The claim, NOT yet verified: call `verify_list_token` with the claimed store."""
    parts = token.split(".")
    if len(parts) != 4 or len(token) > 120:
        raise BadToken("malformed")
    try:
        store_id, subscriber_id, campaign_id = (base36_to_int(p) for p in parts[:3])
    except ValueError as error:
        raise BadToken("malformed") from error
    return ListClaim(store_id, subscriber_id, campaign_id or None)


def verify_list_token(token: str, store: Store) -> ListClaim:
    claim = read_list_token(token)
    payload, _, signature = token.rpartition(".")
    if claim.store_id != store.pk or not hmac.compare_digest(
        _sign(store, "list", payload), signature
    ):
        raise BadToken("signature")
    return claim


def _confirm_salt(store: Store) -> str:
    return f"dukkan.marketing.confirm:{store.pk}:{store.secret}"


def make_confirm_token(store: Store, subscriber_id: int, email: str) -> str:
    return signing.dumps({"i": subscriber_id, "e": email}, salt=_confirm_salt(store))


def read_confirm_token(token: str, store: Store) -> tuple[int, str]:
    """(subscriber id, email) of a valid, unexpired confirmation link of this store."""
    try:
        data = signing.loads(token, salt=_confirm_salt(store), max_age=CONFIRM_HOURS * 3600)
    except signing.SignatureExpired as error:
        raise BadToken("expired") from error
    except signing.BadSignature as error:
        raise BadToken("signature") from error
    if not isinstance(data, dict) or not isinstance(data.get("i"), int) or not data.get("e"):
        raise BadToken("payload")
    return int(data["i"]), str(data["e"])


def make_tracking_token(store: Store, recipient_id: int, url: str = "") -> str:
    payload = f"{int_to_base36(store.pk)}.{int_to_base36(recipient_id)}"
    return f"{payload}.{_sign(store, 'track', payload + '|' + url)}"


def read_tracking_token(token: str) -> tuple[int, int]:
    parts = token.split(".")
    if len(parts) != 3 or len(token) > 80:
        raise BadToken("malformed")
    try:
        return base36_to_int(parts[0]), base36_to_int(parts[1])
    except ValueError as error:
        raise BadToken("malformed") from error


def verify_tracking_token(token: str, store: Store, url: str = "") -> int:
    store_id, recipient_id = read_tracking_token(token)
    payload, _, signature = token.rpartition(".")
    if store_id != store.pk or not hmac.compare_digest(
        _sign(store, "track", payload + "|" + url), signature
    ):
        raise BadToken("signature")
    return recipient_id


def ip_hash(ip: str | None) -> str:
    """Proof of where consent came from, without keeping the address itself."""
    if not ip:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), f"ip:{ip}".encode(), "sha256").hexdigest()


def webhook_signature(secret: str, body: bytes, timestamp: str) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()
