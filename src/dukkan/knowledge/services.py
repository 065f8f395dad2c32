"""Writes to the knowledge base: articles, categories, revisions, feedback and bulk imports.

Every change to an article goes through here, so its search columns, the SQLite FTS5 row,
the store's search vocabulary and its revision history stay in step, and `ArticleChanged`
(or one `ArticlesImported` for a bulk import) is published after the transaction commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from dukkan.core.events import publish as publish_event
from dukkan.core.models import Store
from dukkan.knowledge import search
from dukkan.knowledge.events import ArticleChanged, ArticlesImported
from dukkan.knowledge.models import (
    BODY_LIMIT,
    TITLE_LIMIT,
    Article,
    ArticleFeedback,
    ArticleKind,
    ArticleLanguage,
    ArticleRevision,
    ArticleStatus,
    Category,
)

TAG_LIMIT = 20
TAG_CHARS = 40
SEARCH_BODY_TERMS = 5000  # what the index keeps of a very long article
EDITABLE_FIELDS = {"title", "body", "kind", "status", "category", "tags", "slug", "language"}


# --- Validation ------------------------------------------------------------------------------


def clean_tags(tags: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for tag in tags:
        tag = " ".join(str(tag).split())[:TAG_CHARS]
        if tag and tag not in cleaned:
            cleaned.append(tag)
    return cleaned[:TAG_LIMIT]


def _check(
    *,
    title: str,
    body: str,
    language: str,
    kind: str,
    status: str,
    store: Store,
    category: Category | None,
) -> None:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("An article needs a title.")
    elif len(title) > TITLE_LIMIT:
        errors["title"] = _("A title may be at most %(limit)s characters.") % {"limit": TITLE_LIMIT}
    if len(body) > BODY_LIMIT:
        errors["body"] = _("An article may be at most %(limit)s characters.") % {
            "limit": BODY_LIMIT
        }
    if language not in ArticleLanguage.values:
        errors["language"] = _("Choose Arabic, Persian or English.")
    if kind not in ArticleKind.values:
        errors["kind"] = _("Unknown kind of article.")
    if status not in ArticleStatus.values:
        errors["status"] = _("Unknown status.")
    if category is not None and category.store_id != store.pk:
        errors["category"] = _("Choose one of this store's categories.")
    if errors:
        raise ValidationError(errors)


def slug_for(title: str) -> str:
    return slugify(title, allow_unicode=True)[: TITLE_LIMIT - 12].strip("-") or "article"


def unique_slug(store: Store, language: str, wanted: str, *, exclude_pk: int | None = None) -> str:
    """`wanted`, or `wanted-2`, `wanted-3`… whichever is free in the store and language."""
    others = Article.objects.filter(store=store, language=language, slug__startswith=wanted)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    taken = set(others.values_list("slug", flat=True))
    slug, n = wanted, 2
    while slug in taken:
        slug, n = f"{wanted}-{n}", n + 1
    return slug


def _set_search_fields(article: Article) -> None:
    article.search_title = search.index_terms(article.title)
    article.search_body = search.index_terms(
        plain_text(article.body, article.store), SEARCH_BODY_TERMS
    )


def plain_text(body: str, store: Store) -> str:
    from dukkan.knowledge.rendering import markdown_to_text

    return markdown_to_text(body, store)


def _reindex(article: Article) -> None:
    search.index_articles([(article.pk, article.search_title, article.search_body)])
    search.add_vocabulary(
        article.store_id, [*article.search_title.split(), *article.search_body.split()]
    )


def _revise(article: Article, *, by: Any, note: str = "") -> ArticleRevision:
    last = article.revisions.aggregate(n=Max("number"))["n"] or 0
    return ArticleRevision.objects.create(
        store_id=article.store_id,
        article=article,
        number=last + 1,
        title=article.title,
        body=article.body,
        status=article.status,
        category_id_then=article.category_id,
        tags=list(article.tags),
        author=by if getattr(by, "pk", None) else None,
        note=note,
    )


def _revise_state(article: Article, state: tuple[Any, ...], *, note: str) -> None:
    title, body, status, category_id, tags = state
    ArticleRevision.objects.create(
        store_id=article.store_id,
        article=article,
        number=1,
        title=title,
        body=body,
        status=status,
        category_id_then=category_id,
        tags=list(tags),
        note=note,
    )


def _changed(article: Article) -> None:
    publish_event(ArticleChanged(store_id=article.store_id, article_id=article.pk))


# --- Articles --------------------------------------------------------------------------------


@transaction.atomic
def create_article(
    store: Store,
    *,
    title: str,
    body: str,
    language: str,
    kind: str = "article",
    status: str = "published",
    category: Category | None = None,
    tags: Sequence[str] = (),
    author: Any = None,
    slug: str = "",
    translation_of: Article | None = None,
) -> Article:
    """A new article (or FAQ entry: kind "faq", title the question, body the answer)."""
    title = " ".join(title.split())
    _check(
        title=title,
        body=body,
        language=language,
        kind=kind,
        status=status,
        store=store,
        category=category,
    )
    article = Article(
        store=store,
        title=title,
        body=body,
        language=language,
        kind=kind,
        status=status,
        category=category,
        tags=clean_tags(tags),
        author=author if getattr(author, "pk", None) else None,
        slug=unique_slug(store, language, slug_for(slug or title)),
        published_at=timezone.now() if status == ArticleStatus.PUBLISHED else None,
    )
    if translation_of is not None:
        if translation_of.store_id != store.pk:
            raise ValidationError(_("A translation must belong to the same store."))
        article.translation_group = translation_of.translation_group
    _set_search_fields(article)
    article.full_clean(exclude=["store", "author", "category", "translation_group"])
    article.save()
    _reindex(article)
    _revise(article, by=author, note=_("Created"))
    _changed(article)
    return article


@transaction.atomic
def update_article(article: Article, *, by: Any, note: str = "", **fields: Any) -> Article:
    """Change an article's fields (title, body, kind, status, category, tags, slug, language);
    keeps a revision of the new state and publishes `ArticleChanged`."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    article = Article.objects.select_for_update().get(pk=article.pk)
    before = (article.title, article.body, article.status, article.category_id, article.tags)
    for name, value in fields.items():
        setattr(article, name, clean_tags(value) if name == "tags" else value)
    article.title = " ".join(article.title.split())
    _check(
        title=article.title,
        body=article.body,
        language=article.language,
        kind=article.kind,
        status=article.status,
        store=article.store,
        category=article.category,
    )
    if "slug" in fields or "language" in fields:
        article.slug = unique_slug(
            article.store,
            article.language,
            slug_for(article.slug or article.title),
            exclude_pk=article.pk,
        )
    if article.status == ArticleStatus.PUBLISHED and article.published_at is None:
        article.published_at = timezone.now()
    _set_search_fields(article)
    article.full_clean(exclude=["store", "author", "category", "translation_group"])
    article.save()
    _reindex(article)
    after = (article.title, article.body, article.status, article.category_id, article.tags)
    if after != before:
        if not article.revisions.exists():
            # Imported articles start without a revision row (bulk loads stay fast): the
            # first edit keeps the imported state as revision 1.
            _revise_state(article, before, note=_("Imported"))
        _revise(article, by=by, note=note)
    _changed(article)
    return article


def publish(article: Article, *, by: Any = None) -> Article:
    return update_article(article, by=by, status=ArticleStatus.PUBLISHED, note=_("Published"))


def unpublish(article: Article, *, by: Any = None) -> Article:
    """Back to draft: off the help center and out of customer-facing matching."""
    return update_article(article, by=by, status=ArticleStatus.DRAFT, note=_("Unpublished"))


@transaction.atomic
def delete_article(article: Article) -> None:
    store_id, pk = article.store_id, article.pk
    article.delete()
    search.unindex_articles([pk])
    publish_event(ArticleChanged(store_id=store_id, article_id=pk))


@transaction.atomic
def restore_revision(revision: ArticleRevision, *, by: Any) -> Article:
    """Bring an article back to a saved state; the restore is itself a new revision."""
    category = (
        Category.objects.filter(store_id=revision.store_id, pk=revision.category_id_then).first()
        if revision.category_id_then
        else None
    )
    return update_article(
        revision.article,
        by=by,
        note=_("Restored revision %(number)s") % {"number": revision.number},
        title=revision.title,
        body=revision.body,
        status=revision.status,
        category=category,
        tags=revision.tags,
    )


@transaction.atomic
def link_translation(article: Article, translation: Article) -> None:
    """Make `translation` one of `article`'s translations (one per language in a group)."""
    if article.store_id != translation.store_id:
        raise ValidationError(_("A translation must belong to the same store."))
    if article.pk == translation.pk:
        raise ValidationError(_("An article cannot be its own translation."))
    group = Article.objects.filter(
        store_id=article.store_id, translation_group=article.translation_group
    ).exclude(pk=translation.pk)
    if group.filter(language=translation.language).exists():
        raise ValidationError(_("This article already has a translation in that language."))
    Article.objects.filter(pk=translation.pk).update(translation_group=article.translation_group)
    translation.translation_group = article.translation_group
    _changed(translation)


def unlink_translation(article: Article) -> None:
    import uuid

    Article.objects.filter(pk=article.pk).update(translation_group=uuid.uuid4())
    _changed(article)


def record_view(article: Article) -> None:
    """One more view; a single UPDATE, no read, no lock held beyond the statement."""
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)


@transaction.atomic
def record_feedback(article: Article, *, session_key: str, helpful: bool) -> None:
    """ "Was this helpful?": one vote per visitor session; voting again changes the vote."""
    vote, created = ArticleFeedback.objects.select_for_update().get_or_create(
        store_id=article.store_id,
        article=article,
        session_key=session_key,
        defaults={"helpful": helpful},
    )
    if created:
        column = "helpful_yes" if helpful else "helpful_no"
        Article.objects.filter(pk=article.pk).update(**{column: F(column) + 1})
    elif vote.helpful != helpful:
        vote.helpful = helpful
        vote.save(update_fields=["helpful"])
        plus, minus = ("helpful_yes", "helpful_no") if helpful else ("helpful_no", "helpful_yes")
        Article.objects.filter(pk=article.pk).update(**{plus: F(plus) + 1, minus: F(minus) - 1})


# --- Categories ------------------------------------------------------------------------------


@transaction.atomic
def save_category(
    store: Store,
    *,
    name: str,
    language: str,
    description: str = "",
    position: int = 0,
    slug: str = "",
    category: Category | None = None,
) -> Category:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("A category needs a name.")})
    if language not in ArticleLanguage.values:
        raise ValidationError({"language": _("Choose Arabic, Persian or English.")})
    wanted = slugify(slug or name, allow_unicode=True)[:100] or "category"
    target = category or Category(store=store)
    taken = set(
        Category.objects.filter(store=store, language=language, slug__startswith=wanted)
        .exclude(pk=target.pk)
        .values_list("slug", flat=True)
    )
    final, n = wanted, 2
    while final in taken:
        final, n = f"{wanted}-{n}", n + 1
    target.name, target.language, target.description = name, language, description
    target.position, target.slug = position, final
    target.save()
    return target


@transaction.atomic
def delete_category(category: Category) -> None:
    """Its articles stay, without a category."""
    ids = list(category.articles.values_list("pk", flat=True))
    category.delete()
    for pk in ids:
        publish_event(ArticleChanged(store_id=category.store_id, article_id=pk))


# --- Bulk import -----------------------------------------------------------------------------


@dataclass
class ImportRow:
    title: str
    body: str
    kind: str = ArticleKind.ARTICLE
    language: str = ""
    slug: str = ""
    category: str = ""  # a category name; created when missing
    tags: list[str] = field(default_factory=list)
    status: str = ArticleStatus.PUBLISHED
    where: str = ""  # "line 12", "refunds.md": named in error messages


class ImportError_(ValidationError):
    """An import refused as a whole; `messages` say which rows and why."""


@dataclass
class ImportResult:
    created: int
    categories: int


def import_articles(
    store: Store,
    rows: Sequence[ImportRow],
    *,
    language: str,
    author: Any = None,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = 1000,
) -> ImportResult:
    """Load many articles at once, all or nothing.

    Every row is checked before anything is written; a bad row (no title, too long, unknown
    kind or status, a slug used twice or already taken) refuses the whole import with one
    message per problem. Then articles go in with bulk_create, their first revisions too,
    the search index and vocabulary are built in one pass, and one `ArticlesImported` is
    published. `progress(done, total)` is called after each batch.
    """
    problems: list[str] = []
    existing = set(Article.objects.filter(store=store).values_list("language", "slug"))
    seen: dict[tuple[str, str], str] = {}
    prepared: list[tuple[ImportRow, str, str]] = []  # row, language, slug
    for index, row in enumerate(rows, start=1):
        where = row.where or _("row %(n)s") % {"n": index}
        title = " ".join(row.title.split())
        row_language = row.language or language
        if not title:
            problems.append(_("%(where)s: no title (question).") % {"where": where})
            continue
        try:
            _check(
                title=title,
                body=row.body,
                language=row_language,
                kind=row.kind,
                status=row.status,
                store=store,
                category=None,
            )
        except ValidationError as error:
            for message in error.messages:
                problems.append(f"{where}: {message}")
            continue
        row.title = title
        if row.slug:
            slug = slugify(row.slug, allow_unicode=True)[:TITLE_LIMIT]
            key = (row_language, slug)
            if not slug:
                problems.append(_("%(where)s: the address is empty.") % {"where": where})
            elif key in existing:
                problems.append(
                    _("%(where)s: the address “%(slug)s” is already used by an article.")
                    % {"where": where, "slug": slug}
                )
            elif key in seen:
                problems.append(
                    _("%(where)s: the address “%(slug)s” is also used by %(other)s.")
                    % {"where": where, "slug": slug, "other": seen[key]}
                )
            seen[key] = where
        else:
            slug = ""
        prepared.append((row, row_language, slug))
        if len(problems) > 50:
            break
    if problems:
        raise ImportError_(problems)
    if not prepared:
        raise ImportError_([_("The file holds no articles.")])

    # Free automatic slugs, decided in memory against what exists and what this import takes.
    taken = existing | {(lang, slug) for _r, lang, slug in prepared if slug}
    final: list[tuple[ImportRow, str, str]] = []
    for row, row_language, slug in prepared:
        if not slug:
            wanted = slug_for(row.title)
            slug, n = wanted, 2
            while (row_language, slug) in taken:
                slug, n = f"{wanted}-{n}", n + 1
            taken.add((row_language, slug))
        final.append((row, row_language, slug))

    total = len(final)
    now = timezone.now()
    with transaction.atomic():
        categories: dict[tuple[str, str], Category] = {
            (c.language, c.name): c for c in Category.objects.filter(store=store)
        }
        new_categories = 0
        for row, row_language, _slug in final:
            if row.category and (row_language, row.category) not in categories:
                categories[(row_language, row.category)] = save_category(
                    store,
                    name=row.category,
                    language=row_language,
                    position=len(categories),
                )
                new_categories += 1
        done = 0
        author_id = getattr(author, "pk", None)
        for start in range(0, total, batch_size):
            chunk = final[start : start + batch_size]
            articles = []
            for row, row_language, slug in chunk:
                article = Article(
                    store=store,
                    title=row.title,
                    body=row.body,
                    language=row_language,
                    kind=row.kind,
                    status=row.status,
                    slug=slug,
                    category=categories.get((row_language, row.category)) if row.category else None,
                    tags=clean_tags(row.tags),
                    author_id=author_id,
                    published_at=now if row.status == ArticleStatus.PUBLISHED else None,
                )
                _set_search_fields(article)
                articles.append(article)
            try:
                created = Article.objects.bulk_create(articles)
            except IntegrityError as error:
                raise ImportError_(
                    [_("Another article took one of these addresses meanwhile; try again.")]
                ) from error
            search.index_articles([(a.pk, a.search_title, a.search_body) for a in created])
            vocabulary: set[str] = set()
            for a in created:
                vocabulary.update(a.search_title.split())
                vocabulary.update(a.search_body.split())
            search.add_vocabulary(store.pk, vocabulary)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
        publish_event(ArticlesImported(store_id=store.pk))
    return ImportResult(created=total, categories=new_categories)


def rebuild_search_index(store: Store) -> int:
    """Recompute every article's terms and index (after a change to the stemming rules)."""
    count = 0
    with transaction.atomic():
        articles = list(Article.objects.filter(store=store).select_related("store"))
        for article in articles:
            _set_search_fields(article)
        Article.objects.bulk_update(articles, ["search_title", "search_body"], batch_size=1000)
        search.index_articles([(a.pk, a.search_title, a.search_body) for a in articles])
        vocabulary: set[str] = set()
        for a in articles:
            vocabulary.update(a.search_title.split())
            vocabulary.update(a.search_body.split())
        search.add_vocabulary(store.pk, vocabulary)
        count = len(articles)
        publish_event(ArticlesImported(store_id=store.pk))
    return count
