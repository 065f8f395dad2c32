"""The licence API through a real `dukkan serve` over HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.conf import settings

from dukkan.checkout.models import Order
from dukkan.licensing import dukkan_verify as fmt
from dukkan.licensing import selectors
from dukkan.licensing.models import Activation
from tests.processes import Process, answers, clean_environ, database_url, free_port, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
PORTS = range(20300, 20340)
INVALID_LIMIT = 6


@pytest.fixture(scope="module")
def server(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server for the module; each test writes its own rows to the shared test database."""
    tmp_path = tmp_path_factory.mktemp("licensing-serve")
    port = free_port(PORTS)
    env = clean_environ(
        Path(settings.DATA_DIR),
        DATABASE_URL=database_url(),
        SECRET_KEY=settings.SECRET_KEY,
        DUKKAN_LOG_LEVEL="WARNING",
        EMAIL_URL="console:",
        DUKKAN_LICENSE_INVALID_PER_IP=str(INVALID_LIMIT),
    )
    process = Process(["serve", "--port", str(port), "--no-migrate"], env, tmp_path / "serve.log")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: answers(f"{base}/healthz"), "dukkan serve to answer", [process])
        yield base
    finally:
        process.stop()


def test_licence_api_over_http(
    shop: Any, app_product: Any, policy: Any, buy: Callable[..., Order], server: str
) -> None:
    order = buy(shop, app_product)
    key = selectors.keys_for_order(order.pk)[0].key
    headers = {"X-Product-Key": policy.product_key, "Accept-Language": "en"}
    api = f"{server}/api/v1/licenses"
    with httpx.Client(timeout=20, headers=headers) as client:
        # Validate before any machine: valid; with a fingerprint: not on this machine.
        answer = client.post(f"{api}/validate", json={"key": key.lower()})
        assert answer.status_code == 200, answer.text
        assert answer.json()["valid"] is True
        assert answer.json()["entitlements"] == ["pro", "updates"]
        answer = client.post(f"{api}/validate", json={"key": key, "fingerprint": "m1"})
        assert answer.json()["reason"] == "fingerprint_mismatch"

        # Activate three machines; the fourth is refused; a repeat takes no seat.
        codes = {}
        for n in (1, 2, 3):
            answer = client.post(
                f"{api}/activate",
                json={
                    "key": key,
                    "fingerprint": f"m{n}",
                    "name": f"PC {n}",
                    "metadata": {"os": "linux"},
                },
            )
            assert answer.status_code == 201, answer.text
            codes[n] = answer.json()["activation_code"]
        answer = client.post(f"{api}/activate", json={"key": key, "fingerprint": "m1"})
        assert answer.status_code == 200
        assert answer.json()["replayed"] is True
        answer = client.post(f"{api}/activate", json={"key": key, "fingerprint": "m4"})
        assert answer.status_code == 403
        assert answer.json()["error"] == "activation_limit_reached"
        answer = client.post(f"{api}/validate", json={"key": key, "fingerprint": "m4"})
        assert answer.json()["reason"] == "activation_limit_reached"

        # The signed licence verifies with the published keys, on its machine only.
        published = client.get(f"{api}/signing-keys").json()
        keys = {item["key_id"]: item["public_key"] for item in published}
        licence = fmt.verify_activation_code(codes[2], keys, fingerprint="m2")
        assert licence.entitlements == ("pro", "updates")
        with pytest.raises(fmt.VerifyError):
            fmt.verify_activation_code(codes[2], keys, fingerprint="m3")

        # List and deactivate.
        listed = client.post(f"{api}/activations", json={"key": key}).json()
        assert sorted(item["name"] for item in listed) == ["PC 1", "PC 2", "PC 3"]
        answer = client.post(f"{api}/deactivate", json={"key": key, "fingerprint": "m2"})
        assert answer.status_code == 200, answer.text
        answer = client.post(f"{api}/deactivate", json={"key": key, "fingerprint": "m2"})
        assert answer.status_code == 404
        assert answer.json()["error"] == "not_activated"
        assert (
            client.post(f"{api}/activate", json={"key": key, "fingerprint": "m4"}).status_code
            == 201
        )

        # Offline through the API: a request code in, an activation code out.
        client.post(f"{api}/deactivate", json={"key": key, "fingerprint": "m4"})
        answer = client.post(
            f"{api}/offline", json={"request_code": fmt.request_code(key, "air-gapped")}
        )
        assert answer.status_code == 201, answer.text
        fmt.verify_activation_code(answer.json()["activation_code"], keys, fingerprint="air-gapped")

        # The OpenAPI document names the licence endpoints.
        schema = httpx.get(f"{server}/api/openapi.json", timeout=20).json()
        assert {"/api/v1/licenses/validate", "/api/v1/licenses/activate"} <= set(schema["paths"])


def test_bad_input_over_http(
    shop: Any, app_product: Any, policy: Any, buy: Callable[..., Order], server: str
) -> None:
    order = buy(shop, app_product)
    key = selectors.keys_for_order(order.pk)[0].key
    api = f"{server}/api/v1/licenses"
    good = {"X-Product-Key": policy.product_key, "Accept-Language": "fa"}
    with httpx.Client(timeout=20) as client:
        answer = client.post(
            f"{api}/validate", json={"key": key}, headers={"X-Product-Key": "pk_nope"}
        )
        assert answer.status_code == 401
        assert answer.json()["error"] == "unknown_product_key"
        answer = client.post(
            f"{api}/activate", json={"key": key, "fingerprint": "f" * 10240}, headers=good
        )
        assert answer.status_code == 400
        assert answer.json()["error"] == "malformed_fingerprint"
        assert answer.json()["message"]  # in Persian, from the catalog once compiled
        truncated = fmt.request_code(key, "m")[:-4]
        answer = client.post(f"{api}/offline", json={"request_code": truncated}, headers=good)
        assert answer.json()["error"] == "malformed_request_code"
        typo = key[:-1] + ("2" if key[-1] != "2" else "3")
        answer = client.post(f"{api}/validate", json={"key": typo}, headers=good)
        assert answer.status_code == 400
        assert answer.json()["error"] == "wrong_check_character"
        assert not Activation.objects.exists()
        # Invalid keys from one address: after the limit, 429 with Retry-After, even for good keys.
        statuses = []
        for _ in range(INVALID_LIMIT + 2):
            answer = client.post(f"{api}/validate", json={"key": "ABCDE-FGHJK"}, headers=good)
            statuses.append(answer.status_code)
        # Two misses above (the cut request code, the typo) count too.
        assert statuses == [400] * (INVALID_LIMIT - 2) + [429] * 4
        answer = client.post(f"{api}/validate", json={"key": key}, headers=good)
        assert answer.status_code == 429
        assert answer.json()["error"] == "rate_limited"
        assert int(answer.headers["Retry-After"]) >= 1
