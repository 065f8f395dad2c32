"""The public help center of a store: home, category, article and search pages.

Pages are server-rendered in the URL's language and carry an ETag derived from what they
show (`selectors.helpcenter_version`), so a browser's conditional GET costs one small query;
the rendered HTML of anonymous visits is cached under the same version, so a change to any
article or category is visible at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from dukkan.core.models import Store
from dukkan.core.selectors import public_store
from dukkan.core.tenancy import scoped
from dukkan.knowledge import selectors, services
from dukkan.knowledge.models import Article, ArticleStatus, Category
from dukkan.knowledge.rendering import render_body

PAGE_SECONDS = 300
SEARCH_LIMIT = 20


def _store(store_slug: str) -> Store:
    store = public_store(store_slug)
    if store is None:
        raise Http404
    return store


def _language() -> str:
    return (translation.get_language() or "en")[:2]


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _alternates(request: HttpRequest, view: str, **kwargs: Any) -> list[dict[str, str]]:
    """The same help center page in every language (its hreflang links)."""
    links = []
    for code in ("ar", "fa", "en"):
        with translation.override(code):
            url = _absolute(request, reverse(view, kwargs=kwargs))
        links.append(
            {"code": code, "name": translation.get_language_info(code)["name_local"], "url": url}
        )
    return links


def _cached_page(
    request: HttpRequest,
    store: Store,
    template: str,
    context: Callable[[], dict[str, Any]],
) -> HttpResponse:
    """Render once per version for anonymous visitors; answer 304 to a matching ETag."""
    version = selectors.helpcenter_version(store)
    etag = (
        '"'
        + hashlib.blake2b(
            f"{version}|{request.path}|{_language()}".encode(), digest_size=12
        ).hexdigest()
        + '"'
    )
    anonymous = not request.user.is_authenticated
    if anonymous and etag in request.headers.get("If-None-Match", ""):
        return HttpResponseNotModified(headers={"ETag": etag})
    key = f"kb-page:{etag.strip(chr(34))}"
    html = cache.get(key) if anonymous else None
    if html is None:
        html = render_to_string(template, context(), request)
        if anonymous:
            cache.set(key, html, PAGE_SECONDS)
    response = HttpResponse(html)
    if anonymous:
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=60)
    return response


@require_GET
def home(request: HttpRequest, store_slug: str) -> HttpResponse:
    store = _store(store_slug)
    language = _language()

    def context() -> dict[str, Any]:
        return {
            "store": store,
            "categories": selectors.categories_with_counts(store, language),
            "popular": selectors.popular_articles(store, language),
            "faqs": list(
                selectors.public_articles(store, language).filter(kind="faq").order_by("title")[:20]
            ),
            "canonical": _absolute(request, request.path),
            "language_links": _alternates(
                request, "knowledge_helpcenter:home", store_slug=store.slug
            ),
        }

    return _cached_page(request, store, "knowledge/helpcenter/home.html", context)


@require_GET
def category_page(request: HttpRequest, store_slug: str, category_slug: str) -> HttpResponse:
    store = _store(store_slug)
    language = _language()
    category = scoped(Category, store).filter(language=language, slug=category_slug).first()
    if category is None:
        raise Http404

    def context() -> dict[str, Any]:
        return {
            "store": store,
            "category": category,
            "articles": list(
                selectors.public_articles(store, language)
                .filter(category=category)
                .order_by("kind", "title")
            ),
            "canonical": _absolute(request, request.path),
            "language_links": [],
        }

    return _cached_page(request, store, "knowledge/helpcenter/category.html", context)


@require_GET
def article_page(request: HttpRequest, store_slug: str, article_slug: str) -> HttpResponse:
    store = _store(store_slug)
    language = _language()
    article = (
        scoped(Article, store)
        .filter(status=ArticleStatus.PUBLISHED, slug=article_slug)
        .select_related("category", "store")
        .order_by(
            # The URL's language first; the same slug in another language redirects there.
            *(["-language"] if language == "fa" else ["language"])
        )
    )
    found = next((a for a in article if a.language == language), None)
    if found is None:
        other = next(iter(article), None)
        if other is None:
            raise Http404
        return redirect(selectors.article_url(other), permanent=True)
    services.record_view(found)

    def context() -> dict[str, Any]:
        translations = selectors.translations_of(found)
        canonical = _absolute(request, selectors.article_url(found))
        links = [
            {
                "code": t.language,
                "name": translation.get_language_info(t.language)["name_local"],
                "url": _absolute(request, selectors.article_url(t)),
            }
            for t in [found, *translations]
        ]
        return {
            "store": store,
            "article": found,
            "body_html": render_body(found.body, store),
            "description": selectors.article_snippet(found, 160),
            "translations": translations,
            "related": selectors.related_articles(found),
            "canonical": canonical,
            # hreflang: only languages this article really exists in (itself included).
            "language_links": links if translations else [],
            "voted": None,
        }

    if request.session.session_key and request.session.get(f"kb-voted-{found.pk}") is not None:
        # A visitor who voted sees their vote; their page is theirs, not the cached one.
        data = context()
        data["voted"] = request.session.get(f"kb-voted-{found.pk}")
        return render(request, "knowledge/helpcenter/article.html", data)
    return _cached_page(request, store, "knowledge/helpcenter/article.html", context)


@csrf_exempt  # pages are cached for all visitors, so they carry no per-visitor CSRF token;
@require_POST  # a forged vote could only count once for the forger's own session.
def feedback(request: HttpRequest, store_slug: str, article_slug: str) -> HttpResponse:
    store = _store(store_slug)
    article = (
        scoped(Article, store)
        .filter(status=ArticleStatus.PUBLISHED, slug=article_slug, language=_language())
        .first()
    )
    if article is None:
        raise Http404
    answer = request.POST.get("helpful")
    if answer not in ("yes", "no"):
        return HttpResponse(status=400)
    if not request.session.session_key:
        request.session.save()
    session_key = request.session.session_key or ""
    helpful = answer == "yes"
    services.record_feedback(article, session_key=session_key, helpful=helpful)
    request.session[f"kb-voted-{article.pk}"] = helpful
    if request.headers.get("HX-Request"):
        return render(
            request,
            "knowledge/helpcenter/_feedback.html",
            {"store": store, "article": article, "voted": helpful},
        )
    return redirect(selectors.article_url(article))


@require_GET
def search_page(request: HttpRequest, store_slug: str) -> HttpResponse:
    store = _store(store_slug)
    query = request.GET.get("q", "")[:200]
    hits = (
        selectors.search_articles(store, query, language=_language(), limit=SEARCH_LIMIT)
        if query.strip()
        else []
    )
    response = render(
        request,
        "knowledge/helpcenter/search.html",
        {
            "store": store,
            "query": query,
            "hits": hits,
            "canonical": _absolute(request, request.path),
            "language_links": [],
        },
    )
    response["X-Robots-Tag"] = "noindex"
    return response
