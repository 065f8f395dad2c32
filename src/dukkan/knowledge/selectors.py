"""Reads of the knowledge base: public pages, search, and what FAQ matching needs.

`articles_for_matching`, `article_url`, `article_snippet` and `search_articles` are the
contract other apps (FAQ matching in `dukkan.answers`, the inbox, the widget) rely on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.core.text import normalise, stem, words
from dukkan.knowledge import search
from dukkan.knowledge.models import Article, ArticleStatus, Category
from dukkan.knowledge.rendering import markdown_to_text

CUSTOMER_STATUSES = (ArticleStatus.PUBLISHED,)
AGENT_STATUSES = (ArticleStatus.PUBLISHED, ArticleStatus.INTERNAL)


@dataclass(frozen=True)
class ArticleDoc:
    """One article as FAQ matching reads it."""

    id: int
    language: str
    kind: str  # "article" | "faq"
    title: str
    body_text: str  # the Markdown body as plain text
    url: str  # absolute path of the public page; "" for an internal article
    status: str  # "published" | "internal"
    translation_group: str


@dataclass(frozen=True)
class SearchHit:
    id: int
    title: str
    url: str  # "" for an internal article
    score: float  # 0..1
    snippet_html: SafeString  # HTML-escaped text with <mark> around the matching words
    language: str
    kind: str
    status: str


def article_url(article: Article) -> str:
    """The public page of a published article in its own language; "" when it has none."""
    if article.status != ArticleStatus.PUBLISHED:
        return ""
    with translation.override(article.language):
        return reverse(
            "knowledge_helpcenter:article",
            kwargs={"store_slug": article.store.slug, "article_slug": article.slug},
        )


def article_snippet(article: Article, length: int = 200) -> str:
    """The start of the article's text, cut at a word boundary, with "…" when cut."""
    return _cut(markdown_to_text(article.body, article.store), length)


def _cut(text: str, length: int) -> str:
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0] if " " in text[:length] else text[:length]
    return cut.rstrip(" ,.;:،؛") + "…"


def articles_for_matching(store_id: int) -> list[ArticleDoc]:
    """Every published and internal article of the store (customers must get only
    status == "published"; agents may see both)."""
    articles = Article.objects.filter(store_id=store_id, status__in=AGENT_STATUSES).select_related(
        "store"
    )
    return [
        ArticleDoc(
            id=a.pk,
            language=a.language,
            kind=a.kind,
            title=a.title,
            body_text=markdown_to_text(a.body, a.store),
            url=article_url(a),
            status=a.status,
            translation_group=str(a.translation_group),
        )
        for a in articles.order_by("pk")
    ]


# --- Highlighting ----------------------------------------------------------------------------

_TOKEN = re.compile(r"[^\W_]+")
HIGHLIGHT_SCAN = 4000


@lru_cache(maxsize=65536)
def _stems_of(word: str) -> frozenset[str]:
    return frozenset(stem(w) for w in words(word))


def highlight(text: str, matched: frozenset[str] | set[str], length: int = 200) -> SafeString:
    """A window of `text` around the first matching word, escaped, matches in <mark>."""
    spans = []
    # The snippet comes from the start of the text or around its first match there.
    for found in _TOKEN.finditer(text, 0, HIGHLIGHT_SCAN):
        if _stems_of(found.group()) & matched:
            spans.append((found.start(), found.end()))
    start = 0
    if spans and spans[0][0] > length // 3:
        start = text.rfind(" ", 0, spans[0][0] - length // 4) + 1
    end = min(len(text), start + length)
    if end < len(text) and " " in text[start:end]:
        end = text.rfind(" ", start, end)
    pieces = ["…" if start > 0 else ""]
    position = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        pieces.append(escape(text[position:span_start]))
        pieces.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    pieces.append(escape(text[position:end]))
    if end < len(text):
        pieces.append("…")
    return mark_safe("".join(pieces))  # every piece of text is escaped above


def search_articles(
    store: Store,
    query: str,
    *,
    language: str | None = None,
    include_internal: bool = False,
    limit: int = 10,
) -> list[SearchHit]:
    """The store's articles matching `query`, best first, with highlighted snippets.

    Any text is a valid query: empty, 10 KB long, only emoji or punctuation, mixed scripts
    or FTS syntax give a (possibly empty) list, never an error.
    """
    if not isinstance(query, str) or not normalise(query[: search.QUERY_CHARS]):
        return []
    statuses = AGENT_STATUSES if include_internal else CUSTOMER_STATUSES
    scored = search.search(store.pk, query, statuses=statuses, language=language)[: max(0, limit)]
    if not scored:
        return []
    articles = {
        a.pk: a
        for a in Article.objects.filter(store=store, pk__in=[s.id for s in scored]).select_related(
            "store"
        )
    }
    hits = []
    for item in scored:
        article = articles.get(item.id)
        if article is None:
            continue
        text = markdown_to_text(article.body, store)
        hits.append(
            SearchHit(
                id=article.pk,
                title=article.title,
                url=article_url(article),
                score=item.score,
                snippet_html=highlight(text, item.matched),
                language=article.language,
                kind=article.kind,
                status=article.status,
            )
        )
    return hits


def highlight_title(title: str, query: str) -> SafeString:
    matched = frozenset(search.parse_query(query).terms)
    return highlight(title, matched, length=len(title) + 1)


# --- Help center and dashboard reads ---------------------------------------------------------


def public_articles(store: Store, language: str) -> QuerySet[Article]:
    return scoped(Article, store).filter(status=ArticleStatus.PUBLISHED, language=language)


def categories_with_counts(store: Store, language: str) -> list[Category]:
    return list(
        scoped(Category, store)
        .filter(language=language)
        .annotate(published=Count("articles", filter=Q(articles__status=ArticleStatus.PUBLISHED)))
        .filter(published__gt=0)
    )


def popular_articles(store: Store, language: str, limit: int = 8) -> list[Article]:
    return list(public_articles(store, language).order_by("-view_count", "title")[:limit])


def translations_of(article: Article, statuses: Sequence[str] = CUSTOMER_STATUSES) -> list[Article]:
    """The article's translations (itself excluded), in the order ar, fa, en."""
    others = (
        Article.objects.filter(
            store_id=article.store_id,
            translation_group=article.translation_group,
            status__in=statuses,
        )
        .exclude(pk=article.pk)
        .select_related("store")
    )
    order = {"ar": 0, "fa": 1, "en": 2}
    return sorted(others, key=lambda a: order.get(a.language, 9))


def related_articles(article: Article, limit: int = 5) -> list[Article]:
    """Same category first, then sharing tags, then by search on the title."""
    base = public_articles(article.store, article.language).exclude(pk=article.pk)
    related: list[Article] = []
    if article.category_id:
        related += list(
            base.filter(category_id=article.category_id).order_by("-view_count")[:limit]
        )
    if len(related) < limit:
        for hit in search.search(
            article.store_id,
            article.title,
            statuses=CUSTOMER_STATUSES,
            language=article.language,
            as_you_type=False,
        ):
            if hit.id != article.pk and all(r.pk != hit.id for r in related):
                found = base.filter(pk=hit.id).first()
                if found is not None:
                    related.append(found)
            if len(related) >= limit:
                break
    return related[:limit]


def helpcenter_version(store: Store) -> str:
    """Changes whenever anything the help center shows changes (for caching and ETags)."""
    articles = scoped(Article, store).aggregate(n=Count("pk"), last=Max("updated_at"))
    categories = scoped(Category, store).aggregate(n=Count("pk"), last=Max("pk"))
    return (
        f"{store.pk}.{articles['n']}.{articles['last'] and articles['last'].timestamp()}"
        f".{categories['n']}.{categories['last']}"
    )


def public_articles_all(store: Store) -> QuerySet[Article]:
    return scoped(Article, store).filter(status=ArticleStatus.PUBLISHED)


def categories_all(store: Store) -> list[Category]:
    """Categories with at least one published article, every language."""
    return list(
        scoped(Category, store)
        .annotate(published=Count("articles", filter=Q(articles__status=ArticleStatus.PUBLISHED)))
        .filter(published__gt=0)
        .order_by("language", "position", "pk")
    )
