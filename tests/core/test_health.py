from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_healthz_says_ok(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert len(response["X-Request-ID"]) >= 8


@pytest.mark.django_db
def test_readyz_reports_database_and_queue(client: Client) -> None:
    body = client.get("/readyz").json()
    assert body["status"] == "ready"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["task_queue"]["backlog"] == 0


@pytest.mark.django_db
def test_request_id_from_proxy_is_kept_and_garbage_is_replaced(client: Client) -> None:
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="abc123def456")
    assert kept["X-Request-ID"] == "abc123def456"
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")
    assert replaced["X-Request-ID"] != "<script>"
