from __future__ import annotations

import pytest

from dukkan.support.models import Conversation, ConversationEvent


@pytest.mark.django_db
def test_demo_conversations_load_once_in_each_stores_language() -> None:
    from dukkan.demo import load_demo

    load_demo()
    counts = (Conversation.objects.count(), ConversationEvent.objects.count())
    load_demo()
    assert (Conversation.objects.count(), ConversationEvent.objects.count()) == counts
    for slug in ("alwarraq", "afzoonesara", "cedar-apps"):
        rows = Conversation.objects.filter(store__slug=slug)
        assert rows.filter(status="resolved").exists()
        assert rows.filter(status="open", assignee__isnull=True).exists()
        assert ConversationEvent.objects.filter(store__slug=slug, kind="note").exists()
        seqs = list(
            ConversationEvent.objects.filter(conversation=rows.first()).values_list(
                "seq", flat=True
            )
        )
        assert seqs == list(range(1, len(seqs) + 1))
    sara = Conversation.objects.get(store__slug="afzoonesara", subject="فعال‌سازی لایسنس")
    assert sara.contact is not None
    assert sara.contact.email == "sara@customers.example"
