from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from itertools import count
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from dukkan.i18n import compile_catalogs

compile_catalogs(only_stale=True)

PASSWORD = "a-long-test-password-1"
_sequence = count(1)


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language: a page an earlier test opened in Arabic or
    Persian leaves its language active in this thread (the locale middleware never resets it)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def make_user(db: None) -> Callable[..., Any]:
    from dukkan.accounts.models import User

    def make(email: str | None = None, **extra: Any) -> User:
        email = email or f"person{next(_sequence)}@example.com"
        return User.objects.create_user(email=email, password=PASSWORD, **extra)

    return make


@pytest.fixture
def make_store(db: None, make_user: Callable[..., Any]) -> Callable[..., Any]:
    from dukkan.accounts import services

    def make(slug: str | None = None, owner: Any = None, **fields: Any) -> Any:
        n = next(_sequence)
        return services.create_store(
            owner=owner or make_user(),
            name=fields.pop("name", f"Store {n}"),
            slug=slug or f"store-{n}",
            **fields,
        )

    return make


@pytest.fixture
def chromium_path() -> str:
    """Debian's chromium; browsers are never downloaded. In CI its absence is a failure, not a skip."""
    path = shutil.which("chromium") or (
        "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
    )
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run must install Debian's chromium package")
        pytest.skip(
            "chromium is not installed (apt-get install chromium); CI installs it and runs this test"
        )
    return path
