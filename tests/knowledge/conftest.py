from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dukkan.knowledge import services


@pytest.fixture
def store(make_store: Callable[..., Any]) -> Any:
    return make_store(default_language="ar")


@pytest.fixture
def other_store(make_store: Callable[..., Any]) -> Any:
    return make_store()


@pytest.fixture
def add(store: Any) -> Callable[..., Any]:
    """Create an article in `store` (published unless told otherwise)."""

    def make(title: str, body: str = "", language: str = "ar", **fields: Any) -> Any:
        return services.create_article(
            fields.pop("store", store), title=title, body=body, language=language, **fields
        )

    return make


def owner_of(store: Any) -> Any:
    from dukkan.accounts.models import Membership, Role

    return Membership.objects.get(store=store, role=Role.OWNER).user


def run_queued_tasks() -> int:
    """Run every task waiting in the database queue, as `dukkan worker` would."""
    from django_tasks_db.models import DBTaskResult

    from dukkan.core.worker import batch_worker

    worker = batch_worker("pytest-knowledge")
    ran = 0
    while (result := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1
    failed = DBTaskResult.objects.failed()
    assert not failed.exists(), [r.traceback for r in failed]
    return ran
