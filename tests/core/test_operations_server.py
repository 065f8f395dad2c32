"""Operations against a real `dukkan serve` with two worker processes, over real HTTP."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests import processes
from tests.processes import Process, answers, clean_environ, wait_until

pytestmark = pytest.mark.slow
PORTS = range(18300, 18390)  # this suite's server ports


def free_port() -> int:
    return processes.free_port(PORTS)


@dataclass
class Server:
    process: Process
    base: str
    data: Path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Its own data folder and SQLite database, JSON logs, production static files."""
    folder = tmp_path_factory.mktemp("serve")
    env = clean_environ(folder / "data", DUKKAN_LOG_FORMAT="json", DUKKAN_LOG_LEVEL="INFO")
    port = free_port()
    process = Process(["serve", "--port", str(port), "--workers", "2"], env, folder / "serve.log")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: answers(f"{base}/healthz"), "dukkan serve to answer", [process])
        yield Server(process, base, folder / "data")
    finally:
        process.stop()


def test_access_log_is_one_json_object_per_request_with_its_request_id(server: Server) -> None:
    request_id = "ops-test-4f1c2a9b7d"
    response = httpx.get(f"{server.base}/healthz?probe=1", headers={"X-Request-ID": request_id})
    assert response.headers["X-Request-ID"] == request_id

    def logged() -> list[dict[str, object]]:
        lines = [line for line in server.process.output.splitlines() if request_id in line]
        return [json.loads(line) for line in lines]  # every line must be valid JSON

    wait_until(lambda: bool(logged()), "the access log line", [server.process], limit=10)
    (line,) = [entry for entry in logged() if entry.get("logger") == "dukkan.access"]
    assert line["request_id"] == request_id
    assert line["method"] == "GET"
    assert line["path"] == "/healthz"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float | int)
    assert line["route"] == "healthz"


def _healthz_count(base: str) -> float:
    text = httpx.get(f"{base}/metrics").text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "dukkan_http_requests_total" and sample.labels == {
                "method": "GET",
                "route": "healthz",
                "status": "200",
            }:
                return float(sample.value)
    return 0.0


def test_metrics_add_up_across_worker_processes(server: Server) -> None:
    folders = list(server.data.glob("metrics-*"))
    assert len(folders) == 1, "serve --workers 2 keeps its metrics in one shared folder"

    def hit(_: int) -> int:
        # A new connection each time, so the kernel spreads them over both workers.
        with httpx.Client() as fresh:
            return fresh.get(f"{server.base}/healthz").status_code

    def workers_that_counted() -> set[str]:
        return {re.sub(r"\D", "", p.stem) for p in folders[0].glob("counter_*.db")}

    before = _healthz_count(server.base)
    sent = 0
    with ThreadPoolExecutor(8) as pool:
        while len(workers_that_counted()) < 2 and sent < 2000:
            assert set(pool.map(hit, range(40))) == {200}
            sent += 40
    assert len(workers_that_counted()) >= 2, "the requests all went to one worker"
    # Whichever worker answers the scrape, it reports what both of them counted.
    for _ in range(4):
        assert _healthz_count(server.base) == before + sent


def test_static_files_have_hashed_names_long_cache_and_compression(server: Server) -> None:
    page = httpx.get(f"{server.base}/en/")
    assert page.status_code == 200
    match = re.search(r'href="(/static/dukkan/dukkan\.([0-9a-f]{12})\.css)"', page.text)
    assert match, "the stylesheet URL carries a content hash"
    url = server.base + match.group(1)

    plain = httpx.get(url, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200
    assert plain.headers["Content-Type"].startswith("text/css")
    cache_control = plain.headers["Cache-Control"]
    assert "immutable" in cache_control
    max_age = re.search(r"max-age=(\d+)", cache_control)
    assert max_age
    assert int(max_age.group(1)) >= 365 * 24 * 3600
    assert "Content-Encoding" not in plain.headers

    with httpx.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as zipped:
        raw = b"".join(zipped.iter_raw())
        assert zipped.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in zipped.headers["Vary"]
    assert len(raw) < len(plain.content)
    assert gzip.decompress(raw) == plain.content


def test_the_one_hop_handler_answers_pages_and_errors(server: Server) -> None:
    page = httpx.get(f"{server.base}/ar/")
    assert page.status_code == 200
    assert '<html lang="ar" dir="rtl">' in page.text
    assert httpx.get(f"{server.base}/en/s/no-such-store/").status_code == 404
    posted = httpx.post(f"{server.base}/i18n/language/", data={"language": "fa"})
    assert posted.status_code == 403  # no CSRF token: refused by the middleware chain
