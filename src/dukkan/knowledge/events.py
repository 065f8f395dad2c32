"""Events of the knowledge base; FAQ matching (`dukkan.answers`) subscribes to refresh itself."""

from __future__ import annotations

from dataclasses import dataclass

from dukkan.core.events import Event


@dataclass(frozen=True, kw_only=True)
class ArticleChanged(Event):
    """An article was created, edited, published, unpublished, restored or deleted."""

    store_id: int
    article_id: int


@dataclass(frozen=True, kw_only=True)
class ArticlesImported(Event):
    """A bulk import committed many articles at once (one event, not one per article)."""

    store_id: int
