"""Builds docs/licensing-vectors.json: deterministic test vectors for every licensing format.

    python -m tests.licensing.vectors   # rewrites the file; the tests check it is current

The signing key's seed is SHA-256 of a fixed phrase, so anyone can rebuild the vectors.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from dukkan.licensing import dukkan_verify as fmt

PATH = Path(__file__).resolve().parents[2] / "docs" / "licensing-vectors.json"
SEED = hashlib.sha256(b"dukkan licensing test vector key 1").digest()
OTHER_SEED = hashlib.sha256(b"dukkan licensing test vector key 2").digest()
NOW = 1_790_000_000  # 2026-09-21, the "now" of every activation vector


def _keypair(seed: bytes) -> tuple[Ed25519PrivateKey, str, str]:
    private = Ed25519PrivateKey.from_private_bytes(seed)
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return private, fmt.key_id_for(raw), base64.b64encode(raw).decode("ascii")


def _sign(private: Ed25519PrivateKey, licence: fmt.Licence) -> str:
    body = fmt.encode_licence_body(licence)
    return fmt.format_activation_code(body, private.sign(fmt.SIGNATURE_CONTEXT + body))


def build() -> dict[str, Any]:
    private, key_id, public = _keypair(SEED)
    other, other_id, _other_public = _keypair(OTHER_SEED)
    key = fmt.normalise_key("7KXQ3-MZ9RT-PW4HB-NCE8" + fmt.check_character("7KXQ3MZ9RTPW4HBNCE8"))
    fingerprint = "host=build-42;cpu=GenuineIntel-0x906EA;disk=S3Z9NX0M123456"
    tag = fmt.fingerprint_tag(fingerprint)
    base = fmt.Licence(
        key_id=key_id,
        licence_id=1001,
        product_id=42,
        activation_id=7,
        fingerprint=tag,
        issued_at=NOW - 3600,
        expires_at=0,
        updates_until=NOW + 365 * 86400,
        refresh_s=7 * 86400,
        grace_s=14 * 86400,
        entitlements=("pro", "updates:2026", "seats.3"),
    )
    good = _sign(private, base)
    expiring = fmt.Licence(**{**base.__dict__, "expires_at": NOW - 1, "licence_id": 1002})
    stale = fmt.Licence(**{**base.__dict__, "issued_at": NOW - 30 * 86400, "licence_id": 1003})
    wrong_key = fmt.Licence(**{**base.__dict__, "key_id": other_id})
    flipped = bytearray(
        base64.b32decode(good.replace("-", "") + "=" * (-len(good.replace("-", "")) % 8))
    )
    flipped[20] ^= 0x01
    tampered = base64.b32encode(bytes(flipped)).decode("ascii").rstrip("=")
    licence_dict = fmt.Licence(**base.__dict__).to_dict()

    def expect_ok(licence: fmt.Licence, needs_refresh: bool = False) -> dict[str, Any]:
        data = licence.to_dict()
        data["needs_refresh"] = needs_refresh
        return data

    return {
        "about": "Dukkan licensing test vectors; see docs/licensing.md. Every implementation must pass all.",
        "alphabet": fmt.ALPHABET,
        "signing_keys": [{"key_id": key_id, "public_key": public, "algorithm": "Ed25519"}],
        "check_characters": [
            {
                "payload": "7KXQ3MZ9RTPW4HBNCE8",
                "expect": fmt.check_character("7KXQ3MZ9RTPW4HBNCE8"),
            },
            {
                "payload": "2222222222222222222",
                "expect": fmt.check_character("2222222222222222222"),
            },
            {
                "payload": "ZZZZZZZZZZZZZZZZZZZ",
                "expect": fmt.check_character("ZZZZZZZZZZZZZZZZZZZ"),
            },
        ],
        "keys": [
            {"input": key, "expect": key},
            {"input": key.lower().replace("-", " "), "expect": key},
            {"input": key.replace("-", ""), "expect": key},
            {
                "input": key[:-1] + ("2" if key[-1] != "2" else "3"),
                "expect": {"error": "wrong_check_character"},
            },
            {"input": key[1] + key[0] + key[2:], "expect": {"error": "wrong_check_character"}},
            {"input": key.replace(key[0], "0", 1), "expect": {"error": "malformed_key"}},
            {"input": key[:-6], "expect": {"error": "malformed_key"}},
        ],
        "fingerprints": [
            {"fingerprint": fingerprint, "expect": tag},
            {"fingerprint": "ماشین-۱", "expect": fmt.fingerprint_tag("ماشین-۱")},
            {"fingerprint": "x" * 513, "expect": {"error": "malformed_fingerprint"}},
        ],
        "request_codes": [
            {"key": key, "fingerprint": fingerprint, "expect": fmt.request_code(key, fingerprint)},
            {"input": fmt.request_code(key, fingerprint).lower(), "expect": [key, tag]},
            {
                "input": fmt.request_code(key, fingerprint)[:-1]
                + ("2" if fmt.request_code(key, fingerprint)[-1] != "2" else "3"),
                "expect": {"error": "wrong_check_character"},
            },
            {
                "input": fmt.request_code(key, fingerprint)[:-3],
                "expect": {"error": "malformed_request_code"},
            },
        ],
        "activation_codes": [
            {
                "name": "valid",
                "code": good,
                "fingerprint": fingerprint,
                "now": NOW,
                "expect": expect_ok(base),
            },
            {
                "name": "valid without machine check",
                "code": good,
                "now": NOW,
                "expect": licence_dict,
            },
            {
                "name": "other machine",
                "code": good,
                "fingerprint": "another machine",
                "now": NOW,
                "expect": {"error": "fingerprint_mismatch"},
            },
            {
                "name": "expired",
                "code": _sign(private, expiring),
                "now": NOW,
                "expect": {"error": "expired"},
            },
            {
                "name": "needs refresh (within grace)",
                "code": _sign(
                    private, fmt.Licence(**{**base.__dict__, "issued_at": NOW - 10 * 86400})
                ),
                "now": NOW,
                "expect": expect_ok(
                    fmt.Licence(**{**base.__dict__, "issued_at": NOW - 10 * 86400}), True
                ),
            },
            {
                "name": "grace over",
                "code": _sign(private, stale),
                "now": NOW,
                "expect": {"error": "refresh_required"},
            },
            {
                "name": "unknown signing key",
                "code": _sign(other, wrong_key),
                "now": NOW,
                "expect": {"error": "unknown_signing_key"},
            },
            {
                "name": "one bit flipped",
                "code": tampered,
                "now": NOW,
                "expect": {"error": "bad_signature"},
            },
            {
                "name": "truncated",
                "code": good[:-10],
                "now": NOW,
                "expect": {"error": "malformed_activation_code"},
            },
            {
                "name": "not base32",
                "code": good[:-1] + "1",
                "now": NOW,
                "expect": {"error": "malformed_activation_code"},
            },
        ],
    }


def write() -> None:
    PATH.write_text(json.dumps(build(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write()
