"""Helpers for the accounts tests: drain the real task queue, read links out of real mail."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from django.core import mail

from dukkan.core.tasks import handle_event  # noqa: F401  (registers the task the queue holds)


def run_queued_tasks() -> int:
    """Run every task waiting in the database queue, as `dukkan worker` would; fail on errors."""
    from django_tasks_db.models import DBTaskResult

    from dukkan.core.worker import batch_worker

    worker = batch_worker("pytest")
    ran = 0
    # The worker's own loop closes "old" connections, which would end the test's transaction;
    # its per-task step is what we need.
    while (result := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1
    failed = DBTaskResult.objects.failed()
    assert not failed.exists(), [r.traceback for r in failed]
    return ran


def link_in(message: mail.EmailMessage) -> str:
    """The path of the first link in a mail's body."""
    body = str(message.body)
    match = re.search(r"https?://\S+", body)
    assert match, f"no link in mail: {body}"
    parts = urlsplit(match.group(0))
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def deliver(
    django_capture_on_commit_callbacks: Callable[..., object],
) -> Callable[[Callable[[], object]], object]:
    """Run `action`, then what it published after commit, then the queued tasks (mail)."""

    def run(action: Callable[[], object]) -> object:
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
            result = action()
        run_queued_tasks()
        return result

    return run
