"""Downloads through a real `dukkan serve` over HTTP: streaming, ranges, HEAD and the log."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.conf import settings

from dukkan.catalog.models import Product
from dukkan.checkout.models import Order
from dukkan.delivery.models import DownloadLog, Entitlement
from dukkan.delivery.services import download_url_for
from tests.processes import Process, answers, clean_environ, database_url, free_port, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
PORTS = range(18700, 18760)
SIZE = 24 * 1024 * 1024 + 12345  # several 4 MiB chunks and a ragged end


@pytest.fixture
def server(transactional_db: None, tmp_path: Path) -> Iterator[str]:
    """`dukkan serve` on the test database and the test's data folder (where the files are)."""
    port = free_port(PORTS)
    env = clean_environ(
        Path(settings.DATA_DIR),
        DATABASE_URL=database_url(),
        SECRET_KEY=settings.SECRET_KEY,
        DUKKAN_LOG_LEVEL="WARNING",
        EMAIL_URL="console:",
    )
    process = Process(["serve", "--port", str(port), "--no-migrate"], env, tmp_path / "serve.log")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: answers(f"{base}/healthz"), "dukkan serve to answer", [process])
        yield base
    finally:
        process.stop()


@pytest.fixture
def big(
    shop: Any, make_product: Callable[..., Product], buy: Callable[..., Order]
) -> tuple[Entitlement, bytes]:
    data = os.urandom(SIZE)
    product = make_product(shop, title="Big", files=[("برنامه‌ی بزرگ.zip", data)])
    order = buy(shop, product, email="sara@customers.example", language="fa")
    return Entitlement.objects.get(order=order), data


def test_streaming_ranges_and_log_over_http(big: tuple[Entitlement, bytes], server: str) -> None:
    entitlement, data = big
    url = server + download_url_for(entitlement)
    with httpx.Client(timeout=60) as client:
        digest = hashlib.sha256()
        received = 0
        with client.stream("GET", url) as response:
            assert response.status_code == 200
            assert response.headers["content-length"] == str(SIZE)
            assert response.headers["accept-ranges"] == "bytes"
            assert "filename*=UTF-8''" in response.headers["content-disposition"]
            for chunk in response.iter_bytes():
                digest.update(chunk)
                received += len(chunk)
        assert received == SIZE
        assert digest.hexdigest() == hashlib.sha256(data).hexdigest()

        middle = client.get(url, headers={"Range": "bytes=5000000-5000999"})
        assert middle.status_code == 206
        assert middle.headers["content-range"] == f"bytes 5000000-5000999/{SIZE}"
        assert middle.content == data[5000000:5001000]

        suffix = client.get(url, headers={"Range": "bytes=-100"})
        assert suffix.status_code == 206
        assert suffix.content == data[-100:]

        assert client.get(url, headers={"Range": f"bytes={SIZE}-"}).status_code == 416

        head = client.head(url)
        assert head.status_code == 200
        assert head.headers["content-length"] == str(SIZE)
        assert head.content == b""

        resumed = client.get(
            url, headers={"Range": f"bytes={SIZE - 10}-", "If-Range": head.headers["etag"]}
        )
        assert resumed.status_code == 206
        assert resumed.content == data[-10:]

        forged = client.get(url[:-6] + "AAAAA/")
        assert forged.status_code == 403
        assert 'dir="rtl"' in forged.text  # the store's language (Arabic)

    entitlement.refresh_from_db()
    assert entitlement.downloads_used == 1  # the full download; ranges from later bytes resume it
    logs = list(DownloadLog.objects.filter(entitlement=entitlement).order_by("pk"))
    assert [log.status for log in logs] == [200, 206, 206, 416, 200, 206]
    assert logs[0].ip == "127.0.0.1"
    assert logs[0].user_agent.startswith("python-httpx/")
    assert logs[0].bytes_sent == SIZE
