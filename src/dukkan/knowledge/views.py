"""The knowledge editor in the dashboard: articles, revisions, categories, import, export.

Owners and admins edit; agents may list and read (internal articles are for them).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dukkan.accounts.models import Role
from dukkan.accounts.permissions import current_membership, current_store, store_view
from dukkan.core.tenancy import get_scoped_or_404, scoped
from dukkan.core.text import tokens
from dukkan.knowledge import formats, imports, selectors, services
from dukkan.knowledge.forms import ArticleForm, CategoryForm, ImportForm
from dukkan.knowledge.models import (
    Article,
    ArticleKind,
    ArticleLanguage,
    ArticleRevision,
    ArticleStatus,
    Category,
    ImportJob,
)
from dukkan.knowledge.rendering import render_body

PAGE_SIZE = 50


def _base(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "store": current_store(request),
        "membership": current_membership(request),
        "can_edit": current_membership(request).has_role(Role.ADMIN),
        **extra,
    }


@store_view(Role.AGENT)
@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    articles = scoped(Article, store).select_related("category")
    filters = {
        "language": request.GET.get("language", ""),
        "status": request.GET.get("status", ""),
        "kind": request.GET.get("kind", ""),
        "category": request.GET.get("category", ""),
        "q": request.GET.get("q", "")[:200],
    }
    if filters["language"] in ArticleLanguage.values:
        articles = articles.filter(language=filters["language"])
    if filters["status"] in ArticleStatus.values:
        articles = articles.filter(status=filters["status"])
    if filters["kind"] in ArticleKind.values:
        articles = articles.filter(kind=filters["kind"])
    if filters["category"].isdigit():
        articles = articles.filter(category_id=int(filters["category"]))
    for term in tokens(filters["q"])[:8]:
        articles = articles.filter(Q(search_title__contains=term) | Q(search_body__contains=term))
    page = Paginator(articles.order_by("-updated_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "knowledge/dashboard/list.html",
        _base(
            request,
            page=page,
            filters=filters,
            categories=scoped(Category, store).order_by("language", "position"),
            languages=ArticleLanguage.choices,
            statuses=ArticleStatus.choices,
            kinds=ArticleKind.choices,
            active="knowledge",
        ),
    )


def _form_values(form: ArticleForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "body": data.get("body") or "",
        "language": data["language"],
        "kind": data["kind"],
        "status": data["status"],
        "category": data.get("category"),
        "tags": data.get("tags") or [],
        "slug": data.get("slug") or "",
    }


@store_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def article_new(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    source = None
    source_id = request.GET.get("translation_of", "")
    if source_id.isdigit():
        source = scoped(Article, store).filter(pk=int(source_id)).first()
    initial = {
        "language": request.GET.get("language") or store.default_language,
        "kind": request.GET.get("kind") or ArticleKind.ARTICLE,
        "status": ArticleStatus.DRAFT,
    }
    if source is not None:
        initial |= {"kind": source.kind, "tags": ", ".join(source.tags), "status": source.status}
    form = ArticleForm(request.POST or None, store=store, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.create_article(
                store, author=request.user, translation_of=source, **_form_values(form)
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Article saved."))
            return redirect("knowledge:edit", store_slug=store.slug, article_id=article.pk)
    return render(
        request,
        "knowledge/dashboard/edit.html",
        _base(request, form=form, article=None, source=source, active="knowledge"),
        status=400 if form.errors else 200,
    )


def _add_errors(form: ArticleForm | CategoryForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


@store_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, article_id: int) -> HttpResponse:
    store = current_store(request)
    article = get_scoped_or_404(Article.objects.select_related("category"), store, pk=article_id)
    initial = {
        "title": article.title,
        "body": article.body,
        "language": article.language,
        "kind": article.kind,
        "status": article.status,
        "category": article.category,
        "tags": ", ".join(article.tags),
        "slug": article.slug,
    }
    form = ArticleForm(request.POST or None, store=store, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = _form_values(form)
        if values["slug"] == article.slug and values["language"] == article.language:
            values.pop("slug")
            values.pop("language")
        try:
            services.update_article(article, by=request.user, **values)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Article saved."))
            return redirect("knowledge:edit", store_slug=store.slug, article_id=article.pk)
    translations = selectors.translations_of(article, statuses=ArticleStatus.values)
    missing = [
        (code, name)
        for code, name in ArticleLanguage.choices
        if code != article.language and all(t.language != code for t in translations)
    ]
    return render(
        request,
        "knowledge/dashboard/edit.html",
        _base(
            request,
            form=form,
            article=article,
            preview_html=render_body(article.body, store),
            translations=translations,
            missing_languages=missing,
            public_url=selectors.article_url(article),
            active="knowledge",
        ),
        status=400 if form.errors else 200,
    )


@store_view(Role.AGENT)
@require_GET
def article_read(request: HttpRequest, article_id: int) -> HttpResponse:
    """An article as agents read it (internal ones included)."""
    store = current_store(request)
    article = get_scoped_or_404(Article.objects.select_related("category"), store, pk=article_id)
    return render(
        request,
        "knowledge/dashboard/read.html",
        _base(
            request,
            article=article,
            body_html=render_body(article.body, store),
            public_url=selectors.article_url(article),
            active="knowledge",
        ),
    )


@store_view(Role.ADMIN)
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """The editor's live preview (htmx): the same sanitised HTML the help center shows."""
    body = request.POST.get("body", "")[:200_000]
    return HttpResponse(render_body(body, current_store(request)))


@store_view(Role.ADMIN)
@require_POST
def article_delete(request: HttpRequest, article_id: int) -> HttpResponse:
    store = current_store(request)
    article = get_scoped_or_404(Article, store, pk=article_id)
    services.delete_article(article)
    messages.success(request, _("Article deleted."))
    return redirect("knowledge:list", store_slug=store.slug)


@store_view(Role.ADMIN)
@require_GET
def revisions(request: HttpRequest, article_id: int) -> HttpResponse:
    store = current_store(request)
    article = get_scoped_or_404(Article, store, pk=article_id)
    history = list(article.revisions.select_related("author")[:200])
    return render(
        request,
        "knowledge/dashboard/revisions.html",
        _base(request, article=article, history=history, active="knowledge"),
    )


@store_view(Role.ADMIN)
@require_POST
def restore(request: HttpRequest, article_id: int, revision_number: int) -> HttpResponse:
    store = current_store(request)
    article = get_scoped_or_404(Article, store, pk=article_id)
    revision = get_scoped_or_404(ArticleRevision, store, article=article, number=revision_number)
    try:
        services.restore_revision(revision, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("knowledge:revisions", store_slug=store.slug, article_id=article.pk)
    messages.success(request, _("Revision %(number)s restored.") % {"number": revision.number})
    return redirect("knowledge:edit", store_slug=store.slug, article_id=article.pk)


@store_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def categories(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    form = CategoryForm(request.POST or None, initial={"language": store.default_language})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_category(store, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Category saved."))
            return redirect("knowledge:categories", store_slug=store.slug)
    return render(
        request,
        "knowledge/dashboard/categories.html",
        _base(
            request,
            form=form,
            categories=scoped(Category, store).order_by("language", "position", "name"),
            active="knowledge",
        ),
        status=400 if form.errors else 200,
    )


@store_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, category_id: int) -> HttpResponse:
    store = current_store(request)
    category = get_scoped_or_404(Category, store, pk=category_id)
    form = CategoryForm(
        request.POST or None,
        initial={
            "name": category.name,
            "language": category.language,
            "description": category.description,
            "position": category.position,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_category(
                store, category=category, slug=category.slug, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Category saved."))
            return redirect("knowledge:categories", store_slug=store.slug)
    return render(
        request,
        "knowledge/dashboard/category.html",
        _base(request, form=form, category=category, active="knowledge"),
        status=400 if form.errors else 200,
    )


@store_view(Role.ADMIN)
@require_POST
def category_delete(request: HttpRequest, category_id: int) -> HttpResponse:
    store = current_store(request)
    services.delete_category(get_scoped_or_404(Category, store, pk=category_id))
    messages.success(request, _("Category deleted; its articles stay, without a category."))
    return redirect("knowledge:categories", store_slug=store.slug)


@store_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    form = ImportForm(
        request.POST or None, request.FILES or None, initial={"language": store.default_language}
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = imports.start_import(
                store,
                format=upload.name.lower().rsplit(".", 1)[-1],
                filename=upload.name,
                data=upload.read(),
                language=form.cleaned_data["language"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            return redirect("knowledge:import_job", store_slug=store.slug, import_id=job.pk)
    jobs = scoped(ImportJob, store).defer("payload")[:10]
    return render(
        request,
        "knowledge/dashboard/import.html",
        _base(request, form=form, jobs=jobs, active="knowledge"),
        status=400 if form.errors else 200,
    )


@store_view(Role.ADMIN)
@require_GET
def import_job(request: HttpRequest, import_id: int) -> HttpResponse:
    """The progress of one import; htmx polls the fragment until it is done or failed."""
    store = current_store(request)
    job = get_scoped_or_404(ImportJob.objects.defer("payload"), store, pk=import_id)
    done, total = imports.job_progress(job)
    context = _base(
        request,
        job=job,
        done=done,
        total=total,
        percent=int(100 * done / total) if total else 0,
        problems=[line for line in job.error.splitlines() if line],
        active="knowledge",
    )
    if request.headers.get("HX-Request"):
        return render(request, "knowledge/dashboard/_import_job.html", context)
    return render(request, "knowledge/dashboard/import_job.html", context)


@store_view(Role.ADMIN)
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    kind = request.GET.get("format", "json")
    articles = scoped(Article, store).select_related("category").order_by("language", "pk")
    language = request.GET.get("language", "")
    if language in ArticleLanguage.values:
        articles = articles.filter(language=language)
    exporters = {
        "json": (formats.export_json, "application/json", "json"),
        "csv": (formats.export_csv, "text/csv; charset=utf-8", "csv"),
        "zip": (formats.export_zip, "application/zip", "zip"),
    }
    if kind not in exporters:
        return HttpResponse(_("Unknown format."), status=400, content_type="text/plain")
    exporter, content_type, suffix = exporters[kind]
    response = HttpResponse(exporter(articles.iterator(chunk_size=500)), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="knowledge-{store.pk}.{suffix}"'
    return response
