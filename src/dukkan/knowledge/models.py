"""Knowledge base: categories, articles (and FAQ entries), revisions, feedback, imports.

An FAQ entry is an `Article` with kind "faq": its title is the question, its body the answer.
Translations of one article share a `translation_group`. The search columns hold the
article's matching terms (`core.text.tokens`), written by `services` on every save; the
SQLite FTS5 table and the PostgreSQL GIN indexes are built over them (migration 0002).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import validate_unicode_slug
from django.db import models
from django.utils.translation import gettext_lazy as _

from dukkan.core.tenancy import StoreOwned

TITLE_LIMIT = 255
BODY_LIMIT = 100_000


class ArticleLanguage(models.TextChoices):
    ARABIC = "ar", "العربية"
    PERSIAN = "fa", "فارسی"
    ENGLISH = "en", "English"


class ArticleKind(models.TextChoices):
    ARTICLE = "article", _("Article")
    FAQ = "faq", _("FAQ entry")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    INTERNAL = "internal", _("Internal (agents only)")


class Category(StoreOwned):
    language = models.CharField(_("language"), max_length=2, choices=ArticleLanguage.choices)
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("address"), max_length=120, allow_unicode=True, validators=[validate_unicode_slug]
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "language", "slug"], name="knowledge_category_slug_once"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Article(StoreOwned):
    kind = models.CharField(
        _("kind"), max_length=10, choices=ArticleKind.choices, default=ArticleKind.ARTICLE
    )
    language = models.CharField(_("language"), max_length=2, choices=ArticleLanguage.choices)
    title = models.CharField(_("title"), max_length=TITLE_LIMIT)
    slug = models.SlugField(
        _("address"), max_length=TITLE_LIMIT, allow_unicode=True, validators=[validate_unicode_slug]
    )
    body = models.TextField(_("body"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    translation_group = models.UUIDField(default=uuid.uuid4, db_index=True)
    view_count = models.PositiveIntegerField(default=0)
    helpful_yes = models.PositiveIntegerField(default=0)
    helpful_no = models.PositiveIntegerField(default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Matching terms (normalised, stemmed, space-separated): what the search indexes cover.
    search_title = models.TextField(blank=True, editable=False)
    search_body = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "language", "slug"], name="knowledge_article_slug_once"
            )
        ]
        indexes = [models.Index(fields=["store", "status", "language"])]

    def __str__(self) -> str:
        return self.title


class ArticleRevision(StoreOwned):
    """One saved state of an article; every save adds one, restoring adds one too."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=TITLE_LIMIT)
    body = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=ArticleStatus.choices)
    category_id_then = models.BigIntegerField(null=True, blank=True)
    tags = models.JSONField(default=list, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="knowledge_revision_once")
        ]

    def __str__(self) -> str:
        return f"revision {self.number} of article {self.article_id}"


class ArticleFeedback(StoreOwned):
    """ "Was this helpful?": one vote per article and visitor session (a new vote replaces it)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    session_key = models.CharField(max_length=64)
    helpful = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "session_key"], name="knowledge_feedback_once"
            )
        ]

    def __str__(self) -> str:
        return f"feedback on article {self.article_id}"


class SearchTerm(StoreOwned):
    """A store's search vocabulary: what a mistyped query word is corrected towards."""

    term = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["store", "term"], name="knowledge_term_once")
        ]

    def __str__(self) -> str:
        return self.term


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(StoreOwned):
    """One upload (zip of Markdown files, CSV or JSON) imported in the background."""

    format = models.CharField(max_length=10)
    filename = models.CharField(max_length=255, blank=True)
    language = models.CharField(max_length=2, choices=ArticleLanguage.choices)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    payload = models.BinaryField(blank=True, default=b"")
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.format})"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0
