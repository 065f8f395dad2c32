"""The formats: check symbols, request codes, activation codes, the vectors, the verifier."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dukkan.licensing import dukkan_verify as fmt
from tests.licensing import vectors
from tests.licensing.vectors import NOW, PATH, SEED, _keypair, _sign

KEY = "7KXQ3MZ9RTPW4HBNCE8"


def test_every_single_typo_and_neighbour_swap_is_caught() -> None:
    key = (KEY + fmt.check_character(KEY)).replace("-", "")
    for position in range(len(key)):
        for symbol in fmt.ALPHABET:
            if symbol != key[position]:
                typo = key[:position] + symbol + key[position + 1 :]
                with pytest.raises(fmt.FormatError):
                    fmt.normalise_key(typo)
        if position + 1 < len(key) and key[position] != key[position + 1]:
            swapped = key[:position] + key[position + 1] + key[position] + key[position + 2 :]
            with pytest.raises(fmt.FormatError):
                fmt.normalise_key(swapped)


def test_committed_vectors_pass_the_embedded_verifier() -> None:
    document = json.loads(PATH.read_text(encoding="utf-8"))
    assert fmt.check_vectors(document) == []
    assert document == json.loads(json.dumps(vectors.build())), "vectors are stale: rebuild them"


def test_verifier_command_line_checks_the_vectors() -> None:
    done = subprocess.run(
        [sys.executable, fmt.__file__, "--vectors", str(PATH)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"vectors": "passed"}


def test_verifier_is_stdlib_and_cryptography_only() -> None:
    source = Path(fmt.__file__).read_text(encoding="utf-8")
    imports = {
        line.split()[1].split(".")[0]
        for line in source.splitlines()
        if line.startswith(("import ", "from "))
    }
    assert imports <= {
        "__future__",
        "argparse",
        "base64",
        "binascii",
        "hashlib",
        "json",
        "struct",
        "sys",
        "time",
        "dataclasses",
        "typing",
        "cryptography",
    }


def _good_code() -> tuple[str, dict[str, str], str]:
    private, key_id, public = _keypair(SEED)
    fingerprint = "machine-under-test"
    licence = fmt.Licence(
        key_id=key_id,
        licence_id=5,
        product_id=9,
        activation_id=3,
        fingerprint=fmt.fingerprint_tag(fingerprint),
        issued_at=NOW,
        expires_at=0,
        updates_until=0,
        refresh_s=0,
        grace_s=0,
        entitlements=("pro",),
    )
    return _sign(private, licence), {key_id: public}, fingerprint


GOOD, KEYS, FINGERPRINT = _good_code()
RAW = base64.b32decode(GOOD.replace("-", "") + "=" * (-len(GOOD.replace("-", "")) % 8))


def test_the_untouched_code_verifies() -> None:
    assert fmt.verify_activation_code(GOOD, KEYS, fingerprint=FINGERPRINT, now=NOW).licence_id == 5


@settings(max_examples=300, deadline=None)
@given(bit=st.integers(min_value=0, max_value=len(RAW) * 8 - 1))
def test_any_flipped_bit_fails(bit: int) -> None:
    flipped = bytearray(RAW)
    flipped[bit // 8] ^= 1 << (bit % 8)
    text = base64.b32encode(bytes(flipped)).decode("ascii").rstrip("=")
    with pytest.raises(fmt.FormatError):
        fmt.verify_activation_code(text, KEYS, fingerprint=FINGERPRINT, now=NOW)


@settings(max_examples=200, deadline=None)
@given(
    position=st.integers(min_value=0, max_value=len(GOOD.replace("-", "")) - 1),
    symbol=st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
)
def test_any_changed_character_fails(position: int, symbol: str) -> None:
    text = GOOD.replace("-", "")
    if text[position] == symbol:
        return
    changed = text[:position] + symbol + text[position + 1 :]
    with pytest.raises(fmt.FormatError):
        fmt.verify_activation_code(changed, KEYS, fingerprint=FINGERPRINT, now=NOW)


@settings(max_examples=100, deadline=None)
@given(cut=st.integers(min_value=1, max_value=len(GOOD.replace("-", "")) - 1))
def test_truncated_codes_fail(cut: int) -> None:
    with pytest.raises(fmt.FormatError) as refused:
        fmt.verify_activation_code(GOOD.replace("-", "")[:cut], KEYS, now=NOW)
    assert refused.value.code == "malformed_activation_code"


@settings(max_examples=100, deadline=None)
@given(fingerprint=st.text(min_size=1, max_size=100))
def test_request_codes_round_trip(fingerprint: str) -> None:
    key = fmt.normalise_key(KEY + fmt.check_character(KEY))
    code = fmt.request_code(key, fingerprint)
    assert fmt.parse_request_code(code.lower()) == (key, fmt.fingerprint_tag(fingerprint))
