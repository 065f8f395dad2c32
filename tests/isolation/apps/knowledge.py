"""Knowledge base: B's drafts, internal notes, revisions, categories and imports stay B's;
its published help center is public, but never shows what is not published."""

from __future__ import annotations

from typing import Any

from dukkan.knowledge import services
from dukkan.knowledge.models import Article, ArticleRevision, Category, ImportJob
from tests.isolation.walker import World

DRAFT_MARKER = "bravo-draft-kb-7q4v"
INTERNAL_MARKER = "bravo-internal-kb-9w2m"


def build(world: World) -> None:
    category = services.save_category(world.b, name="Bravo topics", language="en")
    published = services.create_article(
        world.b, title="Bravo public answer", body="Public text", language="en", category=category
    )
    draft = services.create_article(
        world.b, title=f"Draft {DRAFT_MARKER}", body=DRAFT_MARKER, language="en", status="draft"
    )
    services.create_article(
        world.b,
        title=f"Internal {INTERNAL_MARKER}",
        body=INTERNAL_MARKER,
        language="en",
        status="internal",
    )
    job = ImportJob.objects.create(store=world.b, format="csv", language="en", filename="bravo.csv")
    world.extra.update(kb_category=category, kb_published=published, kb_draft=draft, kb_import=job)


def private_markers(world: World) -> list[str]:
    return [DRAFT_MARKER, INTERNAL_MARKER]


def snapshot(world: World) -> Any:
    return [
        list(
            Article.objects.filter(store=world.b)
            .order_by("pk")
            .values_list("pk", "title", "body", "status", "slug", "category_id")
        ),
        list(Category.objects.filter(store=world.b).order_by("pk").values_list()),
        list(
            ArticleRevision.objects.filter(store=world.b).order_by("pk").values_list("pk", "number")
        ),
    ]


def __getattr__(name: str) -> Any:
    # `Param` is defined in the walker after it imports this module; build on first use.
    if name != "PARAMETERS":
        raise AttributeError(name)
    from tests.isolation.walker import Param

    return {
        "article_id": Param(lambda w: str(w.extra["kb_draft"].pk), True, "B's draft article"),
        "revision_number": Param(lambda w: "1", False, "a revision number of B's article"),
        "category_id": Param(lambda w: str(w.extra["kb_category"].pk), True, "B's category"),
        "import_id": Param(lambda w: str(w.extra["kb_import"].pk), True, "B's import job"),
        "article_slug": Param(
            lambda w: w.extra["kb_published"].slug,
            False,
            "a published article's public page (drafts and internal ones answer 404)",
        ),
        "category_slug": Param(lambda w: w.extra["kb_category"].slug, False, "a public topic"),
    }


PUBLIC_ROUTES = {
    "knowledge_helpcenter:home": "a store's help center is public",
    "knowledge_helpcenter:search": "help center search: published articles only",
    "knowledge_helpcenter:category": "a public topic page",
    "knowledge_helpcenter:article": "a published article's page",
    "knowledge_helpcenter:feedback": "any visitor may vote once per session on a published article",
    "knowledge_public:search": "search-as-you-type for the widget: published articles only",
    "knowledge_public:sitemap": "the sitemap of published pages is for search engines",
}
