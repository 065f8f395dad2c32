"""The subscribe/unsubscribe webhook: HMAC-signed, retried with back-off, then given up."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from dukkan.marketing import services
from dukkan.marketing.models import WebhookDelivery
from dukkan.marketing.tasks import deliver_webhook
from tests.marketing.conftest import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver() -> Iterator[dict[str, Any]]:
    state: dict[str, Any] = {"status": 500, "calls": []}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state["calls"].append((dict(self.headers), body))
            self.send_response(state["status"])
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{server.server_port}/hook"
    yield state
    server.shutdown()


def test_signed_and_retried_with_back_off(
    shop: Any,
    subscribed: Callable[..., Any],
    receiver: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings_row = services.mailing_settings(shop)
    settings_row.webhook_url = receiver["url"]
    settings_row.save()
    with django_capture_on_commit_callbacks(execute=True):
        subscriber = subscribed(shop, "hooked@example.com")
    delivery = WebhookDelivery.objects.get(store=shop)

    assert deliver_webhook.call(delivery.pk) == "retry"  # the receiver answers 500
    retry = (
        DBTaskResult.objects.filter(task_path__endswith="deliver_webhook")
        .order_by("-enqueued_at")
        .first()
    )
    assert retry is not None
    assert retry.run_after is not None  # queued for later, not at once

    receiver["status"] = 204
    assert deliver_webhook.call(delivery.pk) == "delivered"
    assert deliver_webhook.call(delivery.pk) == "done"  # a duplicate task sends nothing
    headers, body = receiver["calls"][-1]
    assert len(receiver["calls"]) == 2
    payload = json.loads(body)
    assert (payload["event"], payload["email"]) == ("subscribed", subscriber.email)
    signed = headers["X-Dukkan-Timestamp"].encode() + b"." + body
    expected = hmac.new(settings_row.webhook_secret.encode(), signed, hashlib.sha256).hexdigest()
    assert headers["X-Dukkan-Signature"] == "sha256=" + expected


def test_gives_up_after_the_last_attempt(shop: Any, receiver: dict[str, Any]) -> None:
    delivery = WebhookDelivery.objects.create(
        store=shop, event="unsubscribed", url=receiver["url"], payload={"email": "x@example.com"}
    )
    results = [deliver_webhook.call(delivery.pk) for _ in range(6)]
    assert results == ["retry"] * 5 + ["gave up"]
    delivery.refresh_from_db()
    assert delivery.gave_up
    assert delivery.last_error == "HTTP 500"
