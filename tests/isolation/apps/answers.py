"""FAQ matching: B's questions, deflections, learned phrasings and settings stay B's."""

from __future__ import annotations

from typing import Any

from dukkan.answers import services
from dukkan.answers.models import AnswerSettings, AskedQuestion, Deflection, LearnedPhrasing
from dukkan.knowledge import services as knowledge
from tests.isolation.walker import World

QUESTION = "bravo-question-5t8v: where is my private bravo order?"


def build(world: World) -> None:
    services.update_settings(
        world.b, enabled=True, threshold=0.7, policy="faq_first", repeat_limit=2, window_hours=5
    )
    article = knowledge.create_article(
        world.b, title="Bravo refunds", body="Bravo refunds in 3 days.", language="en", kind="faq"
    )
    world.extra["answers_question"] = services.record_question(world.b, QUESTION, language="en")
    LearnedPhrasing.objects.create(store=world.b, article_id=article.pk, text="bravo phrasing 9k")
    Deflection.objects.create(store=world.b, article_id=article.pk, query="bravo deflect")


def private_markers(world: World) -> list[str]:
    return ["bravo-question-5t8v"]


def __getattr__(name: str) -> Any:
    if name != "PARAMETERS":
        raise AttributeError(name)
    from tests.isolation.walker import Param

    return {
        "question_id": Param(
            lambda w: str(w.extra["answers_question"].pk),
            True,
            "one of B's customers' questions on B's unanswered report",
        ),
    }


PUBLIC_ROUTES = {
    "answers_public:suggest": "the widget's suggestions: B's published answers, for any visitor",
    "answers_public:open": "a visitor opened one of B's published answers (counted for B)",
}

FORM_PAYLOAD = {
    "threshold": "0.1",
    "policy": "off",
    "repeat_limit": "9",
    "window_hours": "9",
    "question": "1",
    "title": "Taken over",
    "article_id": "1",
}


def snapshot(world: World) -> Any:
    return (
        list(AnswerSettings.objects.filter(store=world.b).values_list()),
        list(AskedQuestion.objects.filter(store=world.b).values_list()),
        list(LearnedPhrasing.objects.filter(store=world.b).values_list()),
    )
