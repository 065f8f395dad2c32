"""Helpers for the accounts tests: drain the real task queue, read links out of real mail."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from django.core import mail

from dukkan.core.tasks import handle_event  # noqa: F401  (registers the task the queue holds)
from tests.tasks import run_queued_tasks


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
