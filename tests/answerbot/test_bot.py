"""The answer bot: answers only above the threshold from the FAQ, hands over on "no", on
frustration, after two unanswered turns and on one tap; the agent sees why."""

from __future__ import annotations

from typing import Any

import pytest

from dukkan.answerbot import routing, selectors, services
from dukkan.answerbot.models import BotSession, SessionState
from dukkan.support import services as support
from dukkan.support.models import ConversationEvent, Status
from tests.answerbot.conftest import QUESTION
from tests.inbox.conftest import go_online, run_queued_tasks


def say(store: Any, text: str, conversation: Any = None, capture: Any = None) -> Any:
    if conversation is None:
        visitor = support.create_visitor(store, language="fa")
        conversation = support.start_conversation(visitor)
    with capture(execute=True):
        support.post_message(conversation, author_kind="visitor", body=text)
    run_queued_tasks()
    conversation.refresh_from_db()
    return conversation


def bot_events(conversation: Any) -> list[dict[str, Any]]:
    return [
        e.data["bot"]
        for e in ConversationEvent.objects.filter(
            conversation=conversation, author_kind="system"
        ).order_by("seq")
        if "bot" in e.data
    ]


@pytest.mark.parametrize(
    ("text", "angry"),
    [
        ("THIS IS NOT WHAT I ASKED", True),
        ("why???", True),
        ("چرا؟!", True),
        ("این مسخره است", True),
        ("هذا سخيف جدا", True),
        ("I want to talk to a real person", True),
        ("How do I change my password?", False),
        ("چطور رمز را عوض کنم؟", False),
        ("كيف أغير كلمة المرور؟", False),
    ],
)
def test_frustration_signs_in_three_languages(text: str, angry: bool) -> None:
    assert selectors.frustrated(text) is angry


def test_the_bot_answers_from_the_faq_and_yes_resolves(
    bot_store: Any, django_capture_on_commit_callbacks: Any
) -> None:
    conversation = say(bot_store, QUESTION, capture=django_capture_on_commit_callbacks)
    answer = bot_events(conversation)[-1]
    assert answer["kind"] == "answer"
    assert answer["ask"] is True
    assert "رمز" in answer["title"]
    assert answer["url"]
    # The agent was not given a conversation the bot holds, though online.
    go_online(bot_store, bot_store.agent)
    assert routing.assign(conversation.pk, [bot_store.agent.pk]) is None
    with django_capture_on_commit_callbacks(execute=True):
        assert services.feedback(conversation, solved=True) == "resolved"
    conversation.refresh_from_db()
    assert conversation.status == Status.RESOLVED
    session = BotSession.objects.get(conversation=conversation)
    assert session.state == SessionState.RESOLVED
    assert session.resolved_by_bot_at


def test_no_hands_over_with_the_bots_context_and_routes_to_the_agent(
    bot_store: Any, django_capture_on_commit_callbacks: Any
) -> None:
    go_online(bot_store, bot_store.agent)
    conversation = say(bot_store, QUESTION, capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.feedback(conversation, solved=False) == "handed_over"
    conversation.refresh_from_db()
    assert conversation.assignee == bot_store.agent
    note = ConversationEvent.objects.get(
        conversation=conversation, kind="note", author_kind="system"
    )
    assert "رمز" in note.body  # what the bot offered, and why it handed over
    session = BotSession.objects.get(conversation=conversation)
    assert session.handover_reason == "not_solved"
    assert session.taps_to_human == 1
    # A second "no" or tap changes nothing and posts nothing.
    count = ConversationEvent.objects.filter(conversation=conversation).count()
    services.hand_over(conversation, "asked", taps=1)
    assert ConversationEvent.objects.filter(conversation=conversation).count() == count


def test_below_the_threshold_the_bot_says_it_gets_a_person(
    bot_store: Any, django_capture_on_commit_callbacks: Any
) -> None:
    conversation = say(
        bot_store, "سفارش شماره ۴۴۱۲ من کی ارسال می‌شود؟", capture=django_capture_on_commit_callbacks
    )
    kinds = [b["kind"] for b in bot_events(conversation)]
    assert kinds == ["context", "handover"]
    assert BotSession.objects.get(conversation=conversation).handover_reason == "low_confidence"


def test_two_turns_without_settling_hand_over_and_the_same_answer_is_never_repeated(
    bot_store: Any, django_capture_on_commit_callbacks: Any
) -> None:
    conversation = say(bot_store, QUESTION, capture=django_capture_on_commit_callbacks)
    say(
        bot_store,
        "رمز عبور را چطور تغییر بدهم؟",
        conversation,
        capture=django_capture_on_commit_callbacks,
    )
    kinds = [b["kind"] for b in bot_events(conversation)]
    # The same article again would be asking the same thing twice: a person instead.
    assert kinds.count("answer") == 1
    assert kinds[-1] == "handover"


def test_frustration_hands_over_at_once(
    bot_store: Any, django_capture_on_commit_callbacks: Any
) -> None:
    conversation = say(bot_store, "چرا جواب نمی‌دهید؟؟؟", capture=django_capture_on_commit_callbacks)
    assert BotSession.objects.get(conversation=conversation).handover_reason == "frustrated"


def test_one_tap_works_before_any_message_and_when_the_bot_is_off(bot_store: Any) -> None:
    visitor = support.create_visitor(bot_store, language="fa")
    conversation = services.talk_to_person(visitor)
    assert BotSession.objects.get(conversation=conversation).state == SessionState.WAITING
    services.update_settings(bot_store, enabled=False, threshold=0.5)
    other = services.talk_to_person(support.create_visitor(bot_store, language="fa"))
    assert selectors.queue(bot_store).filter(pk=other.pk).exists()


def test_the_wait_is_honest_when_nobody_is_online_or_nothing_was_measured(bot_store: Any) -> None:
    first = services.talk_to_person(support.create_visitor(bot_store, language="fa"))
    second = services.talk_to_person(support.create_visitor(bot_store, language="fa"))
    wait = selectors.wait_for(second)
    assert (wait.position, wait.agents_online, wait.seconds) == (2, 0, None)
    go_online(bot_store, bot_store.agent)
    routing.assign(first.pk, [bot_store.agent.pk])
    wait = selectors.wait_for(second)
    # Online, with places free: next in line. No handling times yet would be "unknown".
    assert wait.agents_online == 1
    assert wait.position == 1
    assert wait.seconds == 0


def test_routing_prefers_the_team_and_agents_of_the_customers_language(
    bot_store: Any, make_user: Any
) -> None:
    from dukkan.accounts import services as accounts

    arabic = make_user(display_name="Arabic agent")
    accounts.add_member(store=bot_store, user=arabic, role="agent")
    services.set_agent_languages(bot_store, arabic.pk, ["ar"])
    services.set_agent_languages(bot_store, bot_store.agent.pk, ["fa", "en"])
    services.save_team(bot_store, name="Sales", languages=["ar"], members=[arabic.pk])
    go_online(bot_store, arabic)
    go_online(bot_store, bot_store.agent)
    online = [arabic.pk, bot_store.agent.pk]
    for language, expected in (("ar", arabic), ("fa", bot_store.agent)):
        visitor = support.create_visitor(bot_store, language=language)
        conversation = support.start_conversation(visitor)
        services.hand_over(conversation, "asked", taps=1)
        conversation.refresh_from_db()
        if conversation.assignee is None:
            routing.assign(conversation.pk, online)
            conversation.refresh_from_db()
        assert conversation.assignee == expected


def test_ratings_refuse_bad_input_and_count_per_agent(bot_store: Any) -> None:
    from django.core.exceptions import ValidationError

    visitor = support.create_visitor(bot_store, language="fa")
    conversation = support.start_conversation(visitor)
    support.assign(conversation, assignee=bot_store.agent, actor=None)
    with pytest.raises(ValidationError, match="resolved"):
        services.rate(conversation, score=5)
    support.resolve(conversation)
    for bad in (0, 6, "x", None, True, 3.5):
        with pytest.raises(ValidationError):
            services.rate(conversation, score=bad)
    with pytest.raises(ValidationError):
        services.rate(conversation, score=4, comment="x" * 2001)
    services.rate(conversation, score=4, comment="خوب بود")
    services.rate(conversation, score=5)
    m = selectors.measures(bot_store)
    assert m.ratings == 1
    assert m.rating_average == 5
    assert m.agents[0]["count"] == 1
