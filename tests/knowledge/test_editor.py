"""The knowledge editor: articles, revisions and restore, categories, roles, bad input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from dukkan.accounts import services as account_services
from dukkan.accounts.models import Role
from dukkan.knowledge.models import Article, ArticleRevision, Category
from tests.knowledge.conftest import owner_of

pytestmark = pytest.mark.django_db


def url(name: str, store: Any, language: str = "en", **kwargs: Any) -> str:
    with translation.override(language):
        return reverse(f"knowledge:{name}", kwargs={"store_slug": store.slug, **kwargs})


def form(**values: Any) -> dict[str, Any]:
    return {
        "title": "How do refunds work?",
        "body": "Ask within **14 days**.",
        "language": "en",
        "kind": "faq",
        "status": "published",
        "category": "",
        "tags": "refund, money",
        "slug": "",
    } | values


@pytest.fixture
def owner(store: Any, client: Client) -> Client:
    client.force_login(owner_of(store))
    return client


def test_owner_writes_edits_and_restores_an_article(store: Any, owner: Client) -> None:
    created = owner.post(url("new", store), form())
    assert created.status_code == 302
    article = Article.objects.get(store=store)
    assert (article.slug, article.tags, article.kind) == (
        "how-do-refunds-work",
        ["refund", "money"],
        "faq",
    )

    edited = owner.post(
        url("edit", store, article_id=article.pk), form(body="Ask within **30 days**.")
    )
    assert edited.status_code == 302
    article.refresh_from_db()
    assert "30 days" in article.body
    assert list(article.revisions.values_list("number", flat=True)) == [2, 1]

    history = owner.get(url("revisions", store, "ar", article_id=article.pk))
    assert history.status_code == 200
    assert 'dir="rtl"' in history.content.decode()
    restored = owner.post(url("restore", store, article_id=article.pk, revision_number=1))
    assert restored.status_code == 302
    article.refresh_from_db()
    assert "14 days" in article.body
    assert article.revisions.count() == 3  # the restore is a revision too


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 256}, "title"),
        ({"language": "de"}, "language"),
        ({"status": "secret"}, "status"),
        ({"body": "x" * 100_001}, "body"),
        ({"tags": ",".join(str(n) for n in range(30))}, "tags"),
    ],
)
def test_bad_article_input_is_refused_and_nothing_saved(
    store: Any, owner: Client, values: dict[str, Any], field: str
) -> None:
    page = owner.post(url("new", store), form(**values))
    assert page.status_code == 400
    assert field in page.context["form"].errors
    assert not Article.objects.filter(store=store).exists()


def test_category_of_another_store_cannot_be_chosen(
    store: Any, other_store: Any, owner: Client
) -> None:
    foreign = Category.objects.create(
        store=other_store, language="en", name="Theirs", slug="theirs"
    )
    page = owner.post(url("new", store), form(category=str(foreign.pk)))
    assert page.status_code == 400
    assert not Article.objects.filter(store=store).exists()


def test_same_title_gets_a_unique_unicode_slug(store: Any, owner: Client) -> None:
    for _ in range(2):
        owner.post(url("new", store), form(title="كيف أسترد أموالي؟", language="ar"))
    assert sorted(Article.objects.filter(store=store).values_list("slug", flat=True)) == [
        "كيف-أسترد-أموالي",
        "كيف-أسترد-أموالي-2",
    ]


def test_preview_is_sanitised(store: Any, owner: Client) -> None:
    shown = owner.post(
        url("preview", store),
        {"body": "<script>alert(1)</script>\n\n[x](javascript:alert(1)) **ok**"},
    ).content.decode()
    assert "<strong>ok</strong>" in shown
    assert "<script" not in shown
    assert 'href="javascript' not in shown


def test_translation_links_the_articles(store: Any, owner: Client, add: Callable[..., Any]) -> None:
    source = add("كيف أسترد أموالي؟", "خلال ١٤ يوماً", kind="faq")
    owner.post(
        url("new", store) + f"?translation_of={source.pk}",
        form(title="How do I get my money back?", language="en"),
    )
    english = Article.objects.get(store=store, language="en")
    assert english.translation_group == source.translation_group


def test_agents_read_but_do_not_edit(
    store: Any, client: Client, make_user: Callable[..., Any], add: Callable[..., Any]
) -> None:
    article = add("ملاحظة داخلية", "للوكلاء", status="internal")
    agent = make_user()
    account_services.add_member(store=store, user=agent, role=Role.AGENT)
    client.force_login(agent)
    assert client.get(url("list", store)).status_code == 200
    read = client.get(url("read", store, article_id=article.pk))
    assert read.status_code == 200
    assert "ملاحظة داخلية" in read.content.decode()
    assert client.get(url("edit", store, article_id=article.pk)).status_code == 403
    assert client.post(url("delete", store, article_id=article.pk)).status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


def test_list_filters(store: Any, owner: Client, add: Callable[..., Any]) -> None:
    add("Refund policy", "14 days", language="en")
    add("Install the plugin", "Upload the zip", language="en", status="draft")
    add("سياسة الاسترداد", "١٤ يوماً")
    page = owner.get(url("list", store), {"language": "en", "status": "draft"}).content.decode()
    assert "Install the plugin" in page
    assert "Refund policy" not in page
    searched = owner.get(url("list", store), {"q": "الاسترداد"}).content.decode()
    assert "سياسة الاسترداد" in searched
    assert "Refund policy" not in searched


def test_delete_and_categories(store: Any, owner: Client, add: Callable[..., Any]) -> None:
    assert (
        owner.post(
            url("categories", store), {"name": "", "language": "en", "position": "0"}
        ).status_code
        == 400
    )
    assert (
        owner.post(
            url("categories", store), {"name": "Payments", "language": "en", "position": "1"}
        ).status_code
        == 302
    )
    category = Category.objects.get(store=store)
    article = add("Card declined", "Try again", language="en", category=category)
    owner.post(url("category_delete", store, category_id=category.pk))
    article.refresh_from_db()
    assert article.category is None
    owner.post(url("delete", store, article_id=article.pk))
    assert not Article.objects.filter(pk=article.pk).exists()
    assert not ArticleRevision.objects.filter(article_id=article.pk).exists()
