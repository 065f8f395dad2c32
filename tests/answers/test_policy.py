"""A customer's question the FAQ answers is answered at once; the store's policy for customers
who keep asking answered questions; nobody is kept from a person about anything else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dukkan.answers import services
from dukkan.answers.models import AskedQuestion, Policy
from dukkan.support import selectors as support_selectors
from dukkan.support import services as support
from tests.knowledge.conftest import run_queued_tasks


def _settings(store: Any, **values: Any) -> None:
    fields = {
        "enabled": True,
        "threshold": 0.5,
        "policy": Policy.REMIND,
        "repeat_limit": 2,
        "window_hours": 24,
    }
    services.update_settings(store, **{**fields, **values})


def _system_messages(conversation: Any) -> list[Any]:
    return [
        e
        for e in support_selectors.events_after(conversation, 0, for_visitor=True)
        if e.kind == "message" and e.author_kind == "system"
    ]


def test_a_customer_message_the_faq_answers_gets_the_answer_at_once(
    store: Any,
    faq: dict[tuple[str, str], Any],
    conversation: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    chat = conversation("ar")
    with django_capture_on_commit_callbacks(execute=True):
        support.post_message(chat, author_kind="visitor", body="كيف استرد اموالي؟")
    assert run_queued_tasks() >= 1
    replies = _system_messages(chat)
    assert len(replies) == 1
    assert replies[0].data["answers"]["automatic"] is True
    assert replies[0].data["answers"]["article_id"] == faq[("ar", "refund")].pk
    assert "كيف أسترد أموالي؟" in replies[0].body
    assert faq[("ar", "refund")].slug in replies[0].body  # the link to the article
    question = AskedQuestion.objects.get(conversation_id=chat.pk)
    assert question.answered
    assert question.best_article_id == faq[("ar", "refund")].pk


def test_a_question_the_faq_does_not_answer_goes_to_the_team_and_the_report(
    store: Any, faq: dict[tuple[str, str], Any], conversation: Callable[..., Any]
) -> None:
    chat = conversation("en")
    outcome = services.handle_customer_message(chat, "Do you sell gift vouchers for schools?")
    assert not outcome.answered
    assert not outcome.replied
    assert _system_messages(chat) == []
    assert AskedQuestion.objects.filter(store=store, answered=False).count() == 1


def test_remind_points_a_repeat_asker_to_the_help_center_kindly(
    store: Any, faq: dict[tuple[str, str], Any], conversation: Callable[..., Any]
) -> None:
    _settings(store, policy=Policy.REMIND, repeat_limit=2)
    chat = conversation("en")
    first = services.handle_customer_message(chat, "how do I get a refund", language="en")
    assert first.replied
    assert not first.reminded
    second = services.handle_customer_message(chat, "my download link expired", language="en")
    assert second.replied
    assert second.reminded
    replies = _system_messages(chat)
    assert "help center" in replies[-1].body
    assert "a person will reply" in replies[-1].body


def test_policy_off_answers_but_never_reminds(
    store: Any, faq: dict[tuple[str, str], Any], conversation: Callable[..., Any]
) -> None:
    _settings(store, policy=Policy.OFF, repeat_limit=1)
    chat = conversation("en")
    for text in ("how do I get a refund", "my download link expired"):
        outcome = services.handle_customer_message(chat, text, language="en")
        assert outcome.replied
        assert not outcome.reminded


def test_faq_first_asks_to_open_the_answer_only_after_k_answered_questions(
    store: Any, faq: dict[tuple[str, str], Any], conversation: Callable[..., Any]
) -> None:
    _settings(store, policy=Policy.FAQ_FIRST, repeat_limit=2)
    chat = conversation("fa")
    visitor_id = chat.visitor_id
    assert not services.gate(store, visitor_id=visitor_id, text="پولم رو پس میدین؟")["gate"]
    services.handle_customer_message(chat, "چگونه پولم را پس بگیرم؟")
    services.handle_customer_message(chat, "لینک دانلود کار نمی‌کند")
    decision = services.gate(store, visitor_id=visitor_id, text="پولم رو پس میدین؟")
    assert decision["gate"] is True
    assert decision["matches"][0].article_id == faq[("fa", "refund")].pk
    # Never for something the FAQ does not answer, nor for another customer.
    assert not services.gate(store, visitor_id=visitor_id, text="فاکتور رسمی می‌دهید؟")["gate"]
    other = conversation("fa")
    assert not services.gate(store, visitor_id=other.visitor_id, text="پولم رو پس میدین؟")["gate"]


def test_answered_questions_outside_the_window_do_not_count(
    store: Any, faq: dict[tuple[str, str], Any], conversation: Callable[..., Any]
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    _settings(store, policy=Policy.FAQ_FIRST, repeat_limit=1, window_hours=2)
    chat = conversation("en")
    services.handle_customer_message(chat, "how do I get a refund", language="en")
    AskedQuestion.objects.filter(store=store).update(created_at=timezone.now() - timedelta(hours=3))
    assert not services.gate(store, visitor_id=chat.visitor_id, text="refund please")["gate"]


def test_a_bot_can_take_the_reply_over(
    store: Any, faq: dict[tuple[str, str], Any], conversation: Callable[..., Any]
) -> None:
    chat = conversation("en")
    takeover = lambda store_id: store_id == store.pk  # noqa: E731
    services.register_takeover(takeover)
    try:
        outcome = services.handle_customer_message(chat, "how do I get a refund", language="en")
    finally:
        services._takeovers.remove(takeover)
    assert outcome.answered
    assert not outcome.replied
    assert _system_messages(chat) == []


def test_switched_off_answers_nothing(
    store: Any, faq: dict[tuple[str, str], Any], conversation: Callable[..., Any]
) -> None:
    _settings(store, enabled=False)
    chat = conversation("en")
    outcome = services.handle_customer_message(chat, "how do I get a refund", language="en")
    assert not outcome.replied
    assert not AskedQuestion.objects.filter(store=store).exists()


def test_bad_settings_are_refused_with_a_message_and_nothing_saved(store: Any) -> None:
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        _settings(store, threshold=3.0, policy="shout", repeat_limit=0)
    assert set(refused.value.message_dict) == {"threshold", "policy", "repeat_limit"}
    from dukkan.answers.selectors import settings_for

    assert settings_for(store).policy == Policy.REMIND
