"""Cached public store pages, never stale after a store changes.

Every entry carries the "stores version" it was made under, which changes after any store is
saved or deleted (once the transaction commits): an entry from an older version is ignored,
so no page outlives the data it was rendered from.
With Redis the version lives in the shared cache; with the per-process local-memory cache
it lives in a small file in the data folder, so that every `serve` process on the machine
sees the change at once.

A page is rendered once per (store, language, open/closed) for anonymous visitors without
a session or pending messages; the CSRF token in it is a placeholder that each response
replaces with that visitor's own token.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string

from dukkan.core.models import Store

VERSION_KEY = "stores-version"
ENTRY_SECONDS = 3600


def _process_local_cache() -> bool:
    backend = str(settings.CACHES["default"]["BACKEND"])
    return backend.endswith(("LocMemCache", "DummyCache"))


def _stamp_path() -> Path:
    return Path(settings.DATA_DIR) / "cache" / VERSION_KEY


_stamp_seen: tuple[tuple[int, int], str] | None = None


def _file_version() -> str:
    """The stamp's content, re-read only when the file was replaced (one stat per request)."""
    global _stamp_seen
    path = _stamp_path()
    try:
        info = path.stat()
    except FileNotFoundError:
        return "0"
    identity = (info.st_ino, info.st_mtime_ns)
    seen = _stamp_seen
    if seen is not None and seen[0] == identity:
        return seen[1]
    try:
        version = path.read_text() or "0"
    except FileNotFoundError:
        return "0"
    _stamp_seen = (identity, version)
    return version


def bump_stores_version() -> None:
    new = secrets.token_hex(8)
    if _process_local_cache():
        path = _stamp_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{new}")
        temporary.write_text(new)
        temporary.replace(path)  # atomic: readers see the old or the new stamp, never half
    else:
        cache.set(VERSION_KEY, new, None)


@receiver(post_save, sender=Store, dispatch_uid="dukkan.pagecache.store_saved")
@receiver(post_delete, sender=Store, dispatch_uid="dukkan.pagecache.store_deleted")
def _store_changed(sender: type[Store], **kwargs: Any) -> None:
    # Now, so nothing cached before the change is used again (even if it rolls back), and
    # again after commit, since a reader in between may cache the old row under the new version.
    bump_stores_version()
    transaction.on_commit(bump_stores_version)


@dataclass
class StoreEntry:
    """What one public address in one language needs: the store row, what else the page shows
    (`extra`, e.g. its products) and its rendered pages, one per variant (e.g. open now or not).
    """

    version: str
    store: Store
    pages: dict[Hashable, tuple[str, str]] = field(
        default_factory=dict
    )  # variant -> (placeholder, html)
    extra: dict[str, Any] = field(default_factory=dict)


def _code_fingerprint() -> str:
    """Changes when templates or translations change, so a deploy never serves old pages."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(digest_size=8)
    for pattern in ("templates/**/*.html", "locale/*/LC_MESSAGES/*.po"):
        for path in sorted(package.glob(pattern)):
            digest.update(path.read_bytes())
    return digest.hexdigest()


CODE_FINGERPRINT = _code_fingerprint()


def entry_key(path: str, language: str) -> str:
    text = f"{CODE_FINGERPRINT}|{path}|{language}"
    digest = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
    return f"store-page:{digest}"


# Entries this process has seen, so a hit costs no unpickling: only the version is read.
_LOCAL: OrderedDict[str, StoreEntry] = OrderedDict()
_LOCAL_LIMIT = 512
_LOCAL_LOCK = threading.Lock()


def _remember(key: str, entry: StoreEntry) -> None:
    with _LOCAL_LOCK:
        _LOCAL[key] = entry
        _LOCAL.move_to_end(key)
        while len(_LOCAL) > _LOCAL_LIMIT:
            _LOCAL.popitem(last=False)


def current_version() -> str:
    """The stores version now: a block cached under it is as fresh as the pages themselves."""
    return _current_version()


def _current_version() -> str:
    if _process_local_cache():
        return _file_version()
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, secrets.token_hex(8), None)
        version = cache.get(VERSION_KEY)
    return str(version)


def lookup(key: str) -> tuple[str, StoreEntry | None]:
    """The current stores version and the entry, if it was made under that version."""
    version = _current_version()
    entry = _LOCAL.get(key)
    if entry is not None and entry.version == version:
        return version, entry
    shared = cache.get(key)
    if isinstance(shared, StoreEntry) and shared.version == version:
        _remember(key, shared)
        return version, shared
    return version, None


def put_entry(key: str, entry: StoreEntry) -> None:
    cache.set(key, entry, ENTRY_SECONDS)
    _remember(key, entry)


def is_cacheable(request: HttpRequest) -> bool:
    """Anonymous GET without query, session or pending messages: the page is the same for all."""
    cookies = request.COOKIES
    return (
        request.method == "GET"
        and not request.META.get("QUERY_STRING")
        and settings.SESSION_COOKIE_NAME not in cookies
        and CookieStorage.cookie_name not in cookies
    )


def new_placeholder() -> str:
    return f"csrf{secrets.token_hex(16)}"


def respond(
    request: HttpRequest,
    key: str,
    entry: StoreEntry,
    variant: Hashable,
    template: str,
    context: Callable[[], dict[str, Any]],
) -> HttpResponse:
    """The page for `variant`, rendered once per entry for anonymous visitors (each gets their
    own CSRF token), or rendered afresh for anyone else (signed in, with a session or query).
    """
    if not is_cacheable(request):
        return HttpResponse(render_to_string(template, context(), request))
    page = entry.pages.get(variant)
    if page is None:
        placeholder = new_placeholder()
        html = str(render_to_string(template, {**context(), "csrf_token": placeholder}, request))
        page = entry.pages[variant] = (placeholder, html)
        put_entry(key, entry)
    placeholder, html = page
    if placeholder in html:
        # A page with a form gives each visitor their own CSRF token (and cookie).
        html = html.replace(placeholder, get_token(request))
    return HttpResponse(html)
