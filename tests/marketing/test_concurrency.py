"""On PostgreSQL, batches of one campaign running at the same time (several workers) mail each
recipient exactly once: rows are claimed under the store's lock before any SMTP traffic."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from dukkan.marketing import services
from dukkan.marketing.models import Campaign, CampaignRecipient, Subscriber
from tests.marketing.conftest import Inbox

pytestmark = pytest.mark.django_db(transaction=True)
WORKERS = 6


def test_concurrent_batches_mail_everyone_once(
    smtp_server: Inbox, make_store: Callable[..., Any]
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL's row locks across connections (SQLite serialises all writers); "
            "run with DATABASE_URL=postgres://…"
        )
    store = make_store(default_language="fa")
    Subscriber.objects.bulk_create(
        [
            Subscriber(
                store=store, email=f"p{i}@example.com", status="subscribed", source="dashboard"
            )
            for i in range(120)
        ]
    )
    campaign = Campaign.objects.create(store=store, subject="s", body="b", language="fa")
    services.start_sending(campaign)
    barrier = threading.Barrier(WORKERS)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            while services.send_batch(campaign.pk, batch_size=10).remaining:
                pass
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    delivered = Counter(str(m["To"]) for m in smtp_server.messages)
    assert len(delivered) == 120
    assert set(delivered.values()) == {1}
    assert CampaignRecipient.objects.filter(campaign=campaign, status="sent").count() == 120
    campaign.refresh_from_db()
    assert campaign.status == "sent"
