"""The demo help centers: real answers in each store's language, translations, idempotent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dukkan.knowledge import demo
from dukkan.knowledge.models import Article
from dukkan.knowledge.selectors import search_articles

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_answers_common_questions(make_store: Callable[..., Any]) -> None:
    stores = {
        slug: make_store(slug=slug, default_language=lang)
        for slug, lang in (("alwarraq", "ar"), ("afzoonesara", "fa"), ("cedar-apps", "en"))
    }
    demo.load(stores, {})
    counts = {slug: Article.objects.filter(store=s).count() for slug, s in stores.items()}
    demo.load(stores, {})
    assert counts == {slug: Article.objects.filter(store=s).count() for slug, s in stores.items()}
    for store in stores.values():
        articles = Article.objects.filter(store=store)
        assert 10 <= articles.filter(language=store.default_language).count() <= 15
        assert articles.filter(status="internal").count() == 1
        assert articles.exclude(language=store.default_language).exists()  # translations

    assert (
        search_articles(stores["alwarraq"], "الاسترداد")[0].title == "هل يمكنني استرداد ثمن الكتاب؟"
    )
    assert search_articles(stores["alwarraq"], "رابط التحميل انتهى")[0].title.startswith(
        "انتهت صلاحية"
    )
    assert search_articles(stores["afzoonesara"], "نصب افزونه")[0].title.startswith("چطور افزونه")
    assert search_articles(stores["afzoonesara"], "لایسنس‌ها")[0].title.startswith("لایسنس")
    assert (
        search_articles(stores["cedar-apps"], "refunds", language="en")[0].title
        == "What is your refund policy?"
    )
    assert (
        search_articles(stores["cedar-apps"], "activating licence", language="en")[0].title
        == "How do I activate my licence?"
    )
