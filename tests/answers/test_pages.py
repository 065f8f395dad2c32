"""The widget's answer endpoints, the inbox's suggested articles and the seller's report."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from dukkan.answers import services
from dukkan.answers.models import AskedQuestion, Deflection, LearnedPhrasing
from dukkan.answers.selectors import match_question
from dukkan.support import services as support
from tests.answers.conftest import owner_of


def _post(client: Client, url: str, data: Any, **headers: str) -> Any:
    body = data if isinstance(data, str) else json.dumps(data)
    return client.post(url, body, content_type="application/json", **headers)


# --- widget ------------------------------------------------------------------------------------


def test_suggestions_as_the_customer_types(
    client: Client, store: Any, faq: dict[tuple[str, str], Any]
) -> None:
    response = _post(
        client, f"/answers/{store.slug}/suggest", {"q": "بدي ارجع مصاري الكتاب", "language": "ar"}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["matches"][0]["id"] == faq[("ar", "refund")].pk
    assert data["matches"][0]["title"] == "كيف أسترد أموالي؟"
    assert data["matches"][0]["url"].startswith("http://testserver/")
    assert data["gate"] is False
    assert data["texts"]["heading"]


@pytest.mark.parametrize("text", ["", "😀😀😀", "؟!؟!", "z" * 5000])
def test_suggestions_for_bad_input_are_empty_not_errors(
    client: Client, store: Any, faq: dict[tuple[str, str], Any], text: str
) -> None:
    response = _post(client, f"/answers/{store.slug}/suggest", {"q": text})
    assert response.status_code == 200
    assert response.json()["matches"] == []


def test_suggestions_refuse_malformed_requests_clearly(client: Client, store: Any) -> None:
    url = f"/answers/{store.slug}/suggest"
    assert _post(client, url, "not json").json()["error"]["code"] == "malformed"
    assert _post(client, url, {"q": 12}).json()["error"]["code"] == "invalid"
    assert client.get(url).status_code == 405
    assert _post(client, "/answers/no-such-store/suggest", {"q": "x"}).status_code == 404
    refused = _post(client, url, {"q": "refund"}, HTTP_ORIGIN="https://elsewhere.example")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "origin_not_allowed"


def test_opening_an_answer_counts_as_a_deflection(
    client: Client, store: Any, faq: dict[tuple[str, str], Any]
) -> None:
    article = faq[("en", "refund")]
    url = f"/answers/{store.slug}/open"
    response = _post(client, url, {"article_id": article.pk, "q": "money back please"})
    assert response.status_code == 200
    deflection = Deflection.objects.get(store=store)
    assert deflection.article_id == article.pk
    assert deflection.query == "money back please"
    assert deflection.score > 0
    # Bad input: nothing recorded.
    assert _post(client, url, {"q": "x"}).status_code == 400
    assert _post(client, url, {"article_id": "7"}).status_code == 400
    assert _post(client, url, {"article_id": 10**9}).status_code == 404
    assert Deflection.objects.filter(store=store).count() == 1


def test_an_internal_article_cannot_be_opened_from_the_widget(
    client: Client, store: Any, faq: dict[tuple[str, str], Any]
) -> None:
    from dukkan.knowledge import services as knowledge

    internal = knowledge.create_article(
        store, title="Agents only", body="x", language="en", status="internal"
    )
    response = _post(client, f"/answers/{store.slug}/open", {"article_id": internal.pk})
    assert response.status_code == 404
    assert not Deflection.objects.exists()


# --- inbox -------------------------------------------------------------------------------------


def test_the_agent_sees_suggested_articles_and_inserting_one_teaches_the_faq(
    client: Client,
    store: Any,
    faq: dict[tuple[str, str], Any],
    conversation: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    chat = conversation("en")
    question = "my purchase receipt never came through, what now"
    support.post_message(chat, author_kind="visitor", body="refund please, the ebook is broken")
    client.force_login(owner_of(store))
    page = client.get(f"/en/dashboard/{store.slug}/inbox/c/{chat.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Suggested articles" in html
    assert "How do I get a refund?" in html
    assert f'data-answers-insert="{faq[("en", "refund")].pk}"' in html

    support.post_message(chat, author_kind="visitor", body=question)
    assert match_question(store.pk, question, "en")[0].article_id != faq[("en", "download")].pk
    url = f"/en/dashboard/{store.slug}/answers/conversations/{chat.pk}/inserted/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"article_id": faq[("en", "download")].pk})
    assert response.json() == {"ok": True, "learned": True}
    assert LearnedPhrasing.objects.get(store=store).text == question
    # The next customer who asks so gets that article first.
    assert match_question(store.pk, question, "en")[0].article_id == faq[("en", "download")].pk
    # Bad input: a clear message, nothing learned.
    assert client.post(url, {"article_id": "x"}).status_code == 400
    assert client.post(url, {"article_id": 10**9}).json()["learned"] is False
    assert LearnedPhrasing.objects.count() == 1


# --- report and settings -----------------------------------------------------------------------


def test_the_report_groups_unanswered_questions_and_drafts_an_article_from_a_reply(
    client: Client,
    store: Any,
    faq: dict[tuple[str, str], Any],
    conversation: Callable[..., Any],
) -> None:
    chat = conversation("ar")
    for text in (
        "هل يوجد خصم للطلاب؟",
        "هل عندكم خصم للطلاب الجامعيين",
        "خصم الطلاب كم نسبته؟",
        "متى يصدر الجزء الثاني من الرواية؟",
    ):
        services.handle_customer_message(chat, text)
    support.post_message(
        chat, author_kind="agent", author=owner_of(store), body="نعم، خصم ٢٠٪ للطلاب بالبطاقة."
    )
    client.force_login(owner_of(store))
    page = client.get(f"/en/dashboard/{store.slug}/answers/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "3 questions" in html  # the three about a student discount, together
    assert "متى يصدر الجزء الثاني" in html
    assert "Turn this reply into a draft article" in html

    groups = page.context["rows"]
    first = groups[0][1]
    response = client.post(
        f"/en/dashboard/{store.slug}/answers/draft/",
        {"question": first.pk, "title": first.text, "body": groups[0][2]},
    )
    assert response.status_code == 302
    from dukkan.knowledge.models import Article

    draft = Article.objects.get(store=store, status="draft")
    assert draft.title == first.text
    assert "خصم" in draft.body
    assert AskedQuestion.objects.get(pk=first.pk).dismissed
    # Bad input: no article, a clear message.
    bad = client.post(f"/en/dashboard/{store.slug}/answers/draft/", {"question": first.pk})
    assert bad.status_code == 302
    assert Article.objects.filter(store=store, status="draft").count() == 1


def test_settings_refuse_bad_values_and_save_good_ones(client: Client, store: Any) -> None:
    client.force_login(owner_of(store))
    url = f"/en/dashboard/{store.slug}/answers/settings/"
    assert client.get(url).status_code == 200
    bad = client.post(
        url, {"threshold": "7", "policy": "shout", "repeat_limit": "0", "window_hours": "1"}
    )
    assert bad.status_code == 400
    assert "Ensure this value is less than or equal to 0.95" in bad.content.decode()
    good = client.post(
        url,
        {
            "enabled": "on",
            "threshold": "0.6",
            "policy": "faq_first",
            "repeat_limit": "4",
            "window_hours": "12",
        },
    )
    assert good.status_code == 302
    from dukkan.answers.selectors import settings_for

    saved = settings_for(store)
    assert (saved.threshold, saved.policy, saved.repeat_limit) == (0.6, "faq_first", 4)
