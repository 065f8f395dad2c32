"""Secrets at rest and signing: keys derived from the instance secret, Ed25519 per store.

Licence keys and signing keys' private halves are sealed with AES-256-GCM under a key
derived from SECRET_KEY with HKDF-SHA256 (one derived key per purpose, the purpose is also
the associated data). Changing SECRET_KEY makes them unreadable: back it up with the database.
"""

from __future__ import annotations

import base64
import hashlib
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

SEAL_VERSION = "v1"


@lru_cache(maxsize=8)
def _aead(purpose: str, secret: str) -> AESGCM:
    key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"dukkan-licensing",
        info=purpose.encode("ascii"),
    ).derive(secret.encode("utf-8"))
    return AESGCM(key)


def seal(plain: bytes, purpose: str) -> str:
    nonce = os.urandom(12)
    sealed = _aead(purpose, settings.SECRET_KEY).encrypt(nonce, plain, purpose.encode("ascii"))
    return f"{SEAL_VERSION}:" + base64.b64encode(nonce + sealed).decode("ascii")


def unseal(text: str, purpose: str) -> bytes:
    version, _, payload = text.partition(":")
    if version != SEAL_VERSION:
        raise ValueError("unknown seal version")
    raw = base64.b64decode(payload)
    return _aead(purpose, settings.SECRET_KEY).decrypt(raw[:12], raw[12:], purpose.encode("ascii"))


def key_hash(canonical_key: str) -> str:
    """The lookup hash of a canonical licence key (keys carry ~94 random bits)."""
    return hashlib.sha256(canonical_key.encode("ascii")).hexdigest()


def new_signing_key() -> tuple[bytes, bytes]:
    """(raw private key, raw public key) of a fresh Ed25519 key."""
    private = Ed25519PrivateKey.generate()
    raw_private = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    raw_public = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return raw_private, raw_public


@lru_cache(maxsize=64)
def private_key(sealed: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(unseal(sealed, "signing-key"))
