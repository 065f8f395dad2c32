from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from dukkan.core.tasks import prune_periodic_runs

CLOSED_PORT = 18399  # in this suite's port range; nothing listens there


@pytest.mark.django_db
def test_healthz_says_ok(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert len(response["X-Request-ID"]) >= 8
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_reports_database_and_queue(client: Client) -> None:
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ready"
    assert body["failing"] == []
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["task_queue"]["backlog"] == 0


@pytest.mark.django_db
def test_readyz_is_503_naming_redis_when_redis_does_not_answer(
    client: Client, settings: Any
) -> None:
    url = f"redis://127.0.0.1:{CLOSED_PORT}/0"
    settings.REDIS_URL = url
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    }
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "not ready"
    assert body["failing"] == ["redis"]
    assert body["checks"]["redis"]["ok"] is False
    assert "redis" in body["checks"]["redis"]["detail"]
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_readyz_is_503_when_the_task_backlog_is_over_the_limit(
    client: Client, settings: Any
) -> None:
    settings.DUKKAN_TASK_BACKLOG_LIMIT = 2
    for _ in range(2):
        prune_periodic_runs.enqueue()
    assert client.get("/readyz").status_code == 200  # at the limit is still ready
    prune_periodic_runs.enqueue()
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 503
    assert body["failing"] == ["task_queue"]
    assert body["checks"]["task_queue"] == {"ok": False, "backlog": 3, "limit": 2}


@pytest.mark.django_db
def test_request_id_from_proxy_is_kept_and_garbage_is_replaced(client: Client) -> None:
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="abc123def456")
    assert kept["X-Request-ID"] == "abc123def456"
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")
    assert replaced["X-Request-ID"] != "<script>"


def _sample(client: Client, name: str, labels: dict[str, str]) -> float:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


@pytest.mark.django_db
def test_metrics_count_requests_by_route_and_status(client: Client) -> None:
    def count(route: str, status: str) -> float:
        labels = {"method": "GET", "route": route, "status": status}
        return _sample(client, "dukkan_http_requests_total", labels)

    before_ok, before_missing = count("healthz", "200"), count("unmatched", "404")
    for _ in range(3):
        client.get("/healthz")
    client.get("/no-such-page")
    assert count("healthz", "200") == before_ok + 3
    assert count("unmatched", "404") == before_missing + 1


@pytest.mark.django_db
def test_metrics_show_the_task_backlog(client: Client) -> None:
    prune_periodic_runs.enqueue()
    assert _sample(client, "dukkan_task_queue_backlog", {}) == 1
