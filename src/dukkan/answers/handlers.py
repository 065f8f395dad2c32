"""Subscriptions: keep the FAQ index fresh, and look at every customer message."""

from __future__ import annotations

import logging

from dukkan.answers import index, services
from dukkan.core.events import subscribe
from dukkan.knowledge.events import ArticleChanged, ArticlesImported
from dukkan.support.events import MessagePosted

logger = logging.getLogger(__name__)


@subscribe(ArticleChanged)
def article_changed(event: ArticleChanged) -> None:
    index.bump(event.store_id)


@subscribe(ArticlesImported)
def articles_imported(event: ArticlesImported) -> None:
    index.bump(event.store_id)


@subscribe(MessagePosted, as_task=True)
def customer_message(event: MessagePosted) -> None:
    """Runs in the worker: matching must never slow down or fail the customer's send."""
    if event.author_kind != "visitor":
        return
    from dukkan.core.models import Store
    from dukkan.support import selectors as support

    store = Store.objects.filter(pk=event.store_id).first()
    conversation = support.conversation_for_store(store, event.conversation_id) if store else None
    if conversation is None:
        return
    found = support.events_after(conversation, event.seq - 1, limit=1)
    if found and found[0].seq == event.seq and found[0].author_kind == "visitor":
        services.handle_customer_message(conversation, found[0].body)
