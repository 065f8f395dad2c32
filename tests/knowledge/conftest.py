from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dukkan.knowledge import services
from tests.tasks import run_queued_tasks  # noqa: F401  (imported from here by tests)


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
