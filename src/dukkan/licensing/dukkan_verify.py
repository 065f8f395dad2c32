"""dukkan-verify: check Dukkan licence keys, request codes and signed activation codes.

One file, the Python standard library plus `cryptography`: copy it into your program.
The formats are specified in docs/licensing.md; docs/licensing-vectors.json holds test
vectors that this file (and any other implementation) must pass:

    dukkan-verify --vectors docs/licensing-vectors.json
    dukkan-verify request KEY FINGERPRINT           # the request code your program shows
    dukkan-verify check CODE --public-key KEYID:BASE64 [--fingerprint FP]

In a program:

    from dukkan_verify import verify_activation_code, request_code
    licence = verify_activation_code(text, {"9f3a...": "base64 public key"}, fingerprint=fp)
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import struct
import sys
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

__all__ = [
    "ALPHABET",
    "FormatError",
    "Licence",
    "VerifyError",
    "check_character",
    "decode_activation_code",
    "encode_licence_body",
    "fingerprint_tag",
    "format_activation_code",
    "key_id_for",
    "normalise_key",
    "parse_request_code",
    "request_code",
    "verify_activation_code",
]

# 31 symbols: no 0/O, no 1/I/L, so nothing a person reads off a screen is ambiguous.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_VALUES = {symbol: value for value, symbol in enumerate(ALPHABET)}
MODULUS = len(ALPHABET)  # 31, a prime

KEY_GROUPS = 4
KEY_LENGTH = 20  # 19 random symbols and one check symbol
TAG_LENGTH = 16  # the fingerprint tag
REQUEST_LENGTH = KEY_LENGTH + TAG_LENGTH + 1

FORMAT_VERSION = 1
SIGNATURE_CONTEXT = b"DUKKAN-LICENCE-1\n"
HEADER = struct.Struct(">B8sQQQ16sIIIIIB")  # up to the entitlement count: 70 bytes
SIGNATURE_LENGTH = 64
MAX_ENTITLEMENTS = 32
MAX_ENTITLEMENT_LENGTH = 64
MAX_FINGERPRINT_LENGTH = 512
_ENTITLEMENT_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._:-")
_BASE32 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
_B32_VALUES = {symbol: value for value, symbol in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}
_UNUSED_BITS = {0: 0, 2: 2, 4: 4, 5: 1, 7: 3}  # text length mod 8 -> spare bits at the end


class FormatError(ValueError):
    """Input that is not a well-formed key or code; `code` is machine-readable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class VerifyError(FormatError):
    """A well-formed activation code that must not be trusted (or no longer)."""


# --- check character ---------------------------------------------------------------------


def _weight(position_from_right: int) -> int:
    # 1..30, never 0 mod 31, and neighbours differ: every single substitution and every
    # swap of two neighbours changes the weighted sum.
    return position_from_right % (MODULUS - 1) + 1


def check_character(payload: str) -> str:
    """The symbol that makes the weighted sum of `payload + symbol` 0 modulo 31."""
    total = 0
    for offset, symbol in enumerate(reversed(payload), start=1):
        total += _weight(offset) * _VALUES[symbol]
    return ALPHABET[(-total) % MODULUS]


def _check_ok(text: str) -> bool:
    total = 0
    for offset, symbol in enumerate(reversed(text)):
        total += _weight(offset) * _VALUES[symbol]
    return total % MODULUS == 0


def _symbols(text: str, what: str) -> str:
    cleaned = "".join(text.split()).replace("-", "").upper()
    for symbol in cleaned:
        if symbol not in _VALUES:
            if symbol in "0O1IL":
                raise FormatError(
                    "malformed_key" if what == "key" else "malformed_request_code",
                    f"{what} contains {symbol!r}, which is never used (no 0, O, 1, I or L)",
                )
            raise FormatError(
                "malformed_key" if what == "key" else "malformed_request_code",
                f"{what} contains {symbol!r}, which is not allowed",
            )
    return cleaned


def _group(text: str, size: int = 5) -> str:
    return "-".join(text[i : i + size] for i in range(0, len(text), size))


# --- licence keys ------------------------------------------------------------------------


def normalise_key(text: str) -> str:
    """The canonical form `XXXXX-XXXXX-XXXXX-XXXXX`; raises FormatError (typos included)."""
    if len(text) > 100:
        raise FormatError("malformed_key", "a licence key is 20 symbols in 4 groups")
    cleaned = _symbols(text, "key")
    if len(cleaned) != KEY_LENGTH:
        raise FormatError(
            "malformed_key", f"a licence key has {KEY_LENGTH} symbols, this one {len(cleaned)}"
        )
    if not _check_ok(cleaned):
        raise FormatError("wrong_check_character", "the key has a typo (its check symbol fails)")
    return _group(cleaned)


# --- fingerprints and request codes --------------------------------------------------------


def fingerprint_tag(fingerprint: str) -> str:
    """16 symbols naming a machine: symbol i is ALPHABET[SHA-256(fingerprint)[i] mod 31]."""
    if not fingerprint or len(fingerprint) > MAX_FINGERPRINT_LENGTH:
        raise FormatError(
            "malformed_fingerprint",
            f"a fingerprint has 1 to {MAX_FINGERPRINT_LENGTH} characters",
        )
    digest = hashlib.sha256(fingerprint.encode("utf-8")).digest()
    return "".join(ALPHABET[byte % MODULUS] for byte in digest[:TAG_LENGTH])


def request_code(key: str, fingerprint: str) -> str:
    """What the program shows for offline activation: key, fingerprint tag, check symbol."""
    body = normalise_key(key).replace("-", "") + fingerprint_tag(fingerprint)
    return _group(body + check_character(body))


def parse_request_code(text: str) -> tuple[str, str]:
    """(canonical key, fingerprint tag) of a request code; raises FormatError."""
    if len(text) > 200:
        raise FormatError("malformed_request_code", "a request code has 37 symbols")
    cleaned = _symbols(text, "request code")
    if len(cleaned) != REQUEST_LENGTH:
        raise FormatError(
            "malformed_request_code",
            f"a request code has {REQUEST_LENGTH} symbols, this one {len(cleaned)}",
        )
    if not _check_ok(cleaned):
        raise FormatError(
            "wrong_check_character", "the request code has a typo (its check symbol fails)"
        )
    key = normalise_key(cleaned[:KEY_LENGTH])
    return key, cleaned[KEY_LENGTH : KEY_LENGTH + TAG_LENGTH]


# --- activation codes (signed licences) ------------------------------------------------------


@dataclass(frozen=True)
class Licence:
    key_id: str  # hex, 16 characters
    licence_id: int
    product_id: int
    fingerprint: str  # the machine's fingerprint tag
    issued_at: int  # Unix seconds
    expires_at: int  # 0: never
    updates_until: int  # 0: no limit
    refresh_s: int  # 0: never needs to call home
    grace_s: int
    activation_id: int
    entitlements: tuple[str, ...] = field(default_factory=tuple)
    needs_refresh: bool = False

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["entitlements"] = list(self.entitlements)
        return data


def key_id_for(public_key_raw: bytes) -> str:
    """A signing key's id: the first 8 bytes of SHA-256 of its raw 32-byte public key, hex."""
    return hashlib.sha256(public_key_raw).digest()[:8].hex()


def encode_licence_body(licence: Licence) -> bytes:
    """The bytes that are signed (see docs/licensing.md, "Activation codes")."""
    if len(licence.entitlements) > MAX_ENTITLEMENTS:
        raise FormatError("too_many_entitlements", f"at most {MAX_ENTITLEMENTS} entitlements")
    body = HEADER.pack(
        FORMAT_VERSION,
        bytes.fromhex(licence.key_id),
        licence.licence_id,
        licence.product_id,
        licence.activation_id,
        licence.fingerprint.encode("ascii"),
        licence.issued_at,
        licence.expires_at,
        licence.updates_until,
        licence.refresh_s,
        licence.grace_s,
        len(licence.entitlements),
    )
    parts = [body]
    for name in licence.entitlements:
        raw = name.encode("ascii")
        if not raw or len(raw) > MAX_ENTITLEMENT_LENGTH or not set(name) <= _ENTITLEMENT_CHARS:
            raise FormatError("malformed_entitlement", f"bad entitlement name {name!r}")
        parts.append(bytes([len(raw)]) + raw)
    return b"".join(parts)


def format_activation_code(body: bytes, signature: bytes) -> str:
    """Base32 (RFC 4648, no padding) of body + signature, in groups of 8 joined by '-'."""
    text = base64.b32encode(body + signature).decode("ascii").rstrip("=")
    return "-".join(text[i : i + 8] for i in range(0, len(text), 8))


def _b32(text: str) -> bytes:
    cleaned = "".join(text.split()).replace("-", "").upper()
    if not cleaned or not set(cleaned) <= _BASE32:
        raise FormatError("malformed_activation_code", "an activation code is base32 text")
    if len(cleaned) > 2000:
        raise FormatError("malformed_activation_code", "the activation code is too long")
    try:
        raw = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except (binascii.Error, ValueError) as error:
        raise FormatError("malformed_activation_code", "the activation code is cut off") from error
    # Only the canonical encoding is accepted: the last symbol's unused low bits must be 0,
    # so no bit of the text can be flipped without changing the decoded bytes.
    unused = _UNUSED_BITS.get(len(cleaned) % 8)
    if unused is None or _B32_VALUES[cleaned[-1]] & ((1 << unused) - 1):
        raise FormatError("malformed_activation_code", "the activation code is cut off")
    return raw


def decode_activation_code(text: str) -> tuple[Licence, bytes, bytes]:
    """(licence, signed body, signature) — not yet verified; raises FormatError."""
    raw = _b32(text)
    minimum = HEADER.size + SIGNATURE_LENGTH
    if len(raw) < minimum:
        raise FormatError("malformed_activation_code", "the activation code is cut off")
    (
        version,
        key_id,
        licence_id,
        product_id,
        activation_id,
        fingerprint,
        issued_at,
        expires_at,
        updates_until,
        refresh_s,
        grace_s,
        count,
    ) = HEADER.unpack_from(raw)
    if version != FORMAT_VERSION:
        raise FormatError("unsupported_version", f"activation code format {version} is unknown")
    offset = HEADER.size
    names: list[str] = []
    for _ in range(count):
        if offset >= len(raw) - SIGNATURE_LENGTH:
            raise FormatError("malformed_activation_code", "the activation code is cut off")
        length = raw[offset]
        name = raw[offset + 1 : offset + 1 + length]
        offset += 1 + length
        try:
            decoded = name.decode("ascii")
        except UnicodeDecodeError as error:
            raise FormatError("malformed_activation_code", "bad entitlement") from error
        if not decoded or len(name) != length or not set(decoded) <= _ENTITLEMENT_CHARS:
            raise FormatError("malformed_activation_code", "bad entitlement")
        names.append(decoded)
    if len(raw) != offset + SIGNATURE_LENGTH:
        raise FormatError("malformed_activation_code", "the activation code has a wrong length")
    try:
        tag = fingerprint.decode("ascii")
    except UnicodeDecodeError as error:
        raise FormatError("malformed_activation_code", "bad fingerprint") from error
    if count > MAX_ENTITLEMENTS or not set(tag) <= set(ALPHABET) or len(tag) != TAG_LENGTH:
        raise FormatError("malformed_activation_code", "bad fingerprint")
    licence = Licence(
        key_id=key_id.hex(),
        licence_id=licence_id,
        product_id=product_id,
        fingerprint=tag,
        activation_id=activation_id,
        issued_at=issued_at,
        expires_at=expires_at,
        updates_until=updates_until,
        refresh_s=refresh_s,
        grace_s=grace_s,
        entitlements=tuple(names),
    )
    return licence, raw[:offset], raw[offset:]


def _public_key(value: Any) -> Ed25519PublicKey:
    if isinstance(value, Ed25519PublicKey):
        return value
    raw = value if isinstance(value, bytes) else base64.b64decode(value)
    return Ed25519PublicKey.from_public_bytes(raw)


def verify_activation_code(
    text: str,
    public_keys: dict[str, Any],
    *,
    fingerprint: str | None = None,
    fingerprint_tag_value: str | None = None,
    now: float | None = None,
) -> Licence:
    """The licence in `text` after checking signature, machine and dates; raises VerifyError.

    `public_keys` maps key ids (hex) to Ed25519 public keys (raw bytes, base64 text or key
    objects): all of the store's keys, retired ones included, so older licences still verify.
    Pass the machine's `fingerprint` (or its tag) to bind the licence to this machine.
    """
    licence, body, signature = decode_activation_code(text)
    if licence.key_id not in public_keys:
        raise VerifyError("unknown_signing_key", f"signing key {licence.key_id} is not known")
    try:
        _public_key(public_keys[licence.key_id]).verify(signature, SIGNATURE_CONTEXT + body)
    except InvalidSignature as error:
        raise VerifyError(
            "bad_signature", "the activation code was not signed by the store"
        ) from error
    tag = fingerprint_tag_value or (fingerprint_tag(fingerprint) if fingerprint else None)
    if tag is not None and tag != licence.fingerprint:
        raise VerifyError("fingerprint_mismatch", "the activation code is for another machine")
    moment = int(time.time() if now is None else now)
    if licence.expires_at and moment >= licence.expires_at:
        raise VerifyError("expired", "the licence has expired")
    stale = bool(licence.refresh_s) and moment >= licence.issued_at + licence.refresh_s
    if stale and moment >= licence.issued_at + licence.refresh_s + licence.grace_s:
        raise VerifyError(
            "refresh_required", "the licence must be checked online again (grace period over)"
        )
    return replace(licence, needs_refresh=stale) if stale else licence


# --- test vectors and the command line -------------------------------------------------------


def check_vectors(vectors: dict[str, Any]) -> list[str]:
    """Runs every vector in a vectors document; returns the failures (empty: all passed)."""
    failures: list[str] = []
    keys = {item["key_id"]: item["public_key"] for item in vectors["signing_keys"]}

    def expect(name: str, produce: Any, expected: Any) -> None:
        try:
            got: Any = produce()
        except FormatError as error:
            got = {"error": error.code}
        if got != expected:
            failures.append(f"{name}: expected {expected!r}, got {got!r}")

    for item in vectors["keys"]:
        expect(f"key {item['input']!r}", lambda i=item: normalise_key(i["input"]), item["expect"])
    for item in vectors["check_characters"]:
        expect(
            f"check {item['payload']}",
            lambda i=item: check_character(i["payload"]),
            item["expect"],
        )
    for item in vectors["fingerprints"]:
        expect(
            f"fingerprint {item['fingerprint'][:20]!r}",
            lambda i=item: fingerprint_tag(i["fingerprint"]),
            item["expect"],
        )
    for item in vectors["request_codes"]:
        if "fingerprint" in item:
            expect(
                f"request {item['key']}",
                lambda i=item: request_code(i["key"], i["fingerprint"]),
                item["expect"],
            )
        else:
            expect(
                f"parse request {item['input']}",
                lambda i=item: list(parse_request_code(i["input"])),
                item["expect"],
            )
    for item in vectors["activation_codes"]:

        def run(i: dict[str, Any] = item) -> Any:
            return verify_activation_code(
                i["code"], keys, fingerprint=i.get("fingerprint"), now=i["now"]
            ).to_dict()

        expect(f"activation {item['name']}", run, item["expect"])
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dukkan-verify", description=__doc__.split("\n")[0])
    parser.add_argument("--vectors", help="check a test-vectors JSON file and exit")
    sub = parser.add_subparsers(dest="command")
    make = sub.add_parser("request", help="print the request code for a key on this machine")
    make.add_argument("key")
    make.add_argument("fingerprint")
    check = sub.add_parser("check", help="verify an activation code")
    check.add_argument("code")
    check.add_argument("--public-key", action="append", default=[], help="KEYID:BASE64")
    check.add_argument("--fingerprint")
    args = parser.parse_args(argv)
    try:
        if args.vectors:
            with open(args.vectors, encoding="utf-8") as handle:
                failures = check_vectors(json.load(handle))
            for failure in failures:
                print(failure, file=sys.stderr)
            print(json.dumps({"vectors": "failed" if failures else "passed"}))
            return 1 if failures else 0
        if args.command == "request":
            print(request_code(args.key, args.fingerprint))
            return 0
        if args.command == "check":
            keys = dict(item.split(":", 1) for item in args.public_key)
            licence = verify_activation_code(args.code, keys, fingerprint=args.fingerprint)
            print(json.dumps({"valid": True, "licence": licence.to_dict()}))
            return 0
    except FormatError as error:
        print(json.dumps({"valid": False, "error": error.code, "message": error.message}))
        return 2
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
