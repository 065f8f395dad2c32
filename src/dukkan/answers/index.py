"""The per-process cache of FAQ indexes, one per store, kept right across processes.

Each process keeps a built matcher per store beside the version it was built at. Every match
reads the store's `index_version` (one indexed row) and rebuilds when another process, or this
one, moved it on: knowledge's `ArticleChanged` / `ArticlesImported` and a learned phrasing bump
it (see handlers.py), so every server process sees an article change on its next match.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from dukkan.answers import engine
from dukkan.answers.models import AnswerSettings, LearnedPhrasing


@dataclass(frozen=True)
class Entry:
    """What a match needs to answer without another query: the matcher and the articles."""

    version: tuple[str, int]
    matcher: engine.HybridMatcher
    titles: dict[int, str]
    urls: dict[int, str]
    snippets: dict[int, str]
    languages: dict[int, str]


_cache: dict[tuple[int, bool], Entry] = {}
_locks: dict[int, threading.Lock] = {}
_guard = threading.Lock()
SNIPPET_LENGTH = 200


def current_version(store_id: int) -> tuple[str, int]:
    """The store's index identity: one indexed row read per match."""
    row = (
        AnswerSettings.objects.filter(store_id=store_id)
        .values_list("index_key", "index_version")
        .first()
    )
    if row is None:
        settings, _created = AnswerSettings.objects.get_or_create(store_id=store_id)
        row = (settings.index_key, settings.index_version)
    return (str(row[0]), int(row[1]))


def bump(store_id: int) -> None:
    """Tell every process that the store's articles (or phrasings) changed."""
    with transaction.atomic():
        updated = AnswerSettings.objects.filter(store_id=store_id).update(
            index_version=F("index_version") + 1
        )
        if not updated:
            AnswerSettings.objects.get_or_create(store_id=store_id, defaults={"index_version": 1})
    forget(store_id)


def forget(store_id: int) -> None:
    for key in [k for k in _cache if k[0] == store_id]:
        _cache.pop(key, None)


def _cut(text: str, length: int = SNIPPET_LENGTH) -> str:
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0] if " " in text[:length] else text[:length]
    return cut.rstrip(" ,.;:،؛") + "…"


def _build(store_id: int, version: tuple[str, int], normalised: bool) -> Entry:
    from dukkan.knowledge.selectors import articles_for_matching

    articles = [a for a in articles_for_matching(store_id) if a.status == "published"]
    phrasings: dict[int, list[str]] = {}
    for article_id, text in LearnedPhrasing.objects.filter(store_id=store_id).values_list(
        "article_id", "text"
    ):
        phrasings.setdefault(article_id, []).append(text)
    docs = [
        engine.Doc(a.id, a.language, a.title, a.body_text, tuple(phrasings.get(a.id, ())))
        for a in articles
    ]
    return Entry(
        version=version,
        matcher=engine.build(docs, normalised=normalised),
        titles={a.id: a.title for a in articles},
        urls={a.id: a.url for a in articles},
        snippets={a.id: _cut(a.body_text) for a in articles},
        languages={a.id: a.language for a in articles},
    )


def entry(store_id: int, *, normalised: bool = True) -> Entry:
    """The store's index, rebuilt when its version moved on since this process built it."""
    version = current_version(store_id)
    key = (store_id, normalised)
    cached = _cache.get(key)
    if cached is not None and cached.version == version:
        return cached
    with _guard:
        lock = _locks.setdefault(store_id, threading.Lock())
    with lock:  # one build per store at a time; the others wait and take it
        cached = _cache.get(key)
        if cached is not None and cached.version == version:
            return cached
        built = _build(store_id, version, normalised)
        _cache[key] = built
        return built
