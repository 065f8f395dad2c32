"""`/kb/<store>/search` (search-as-you-type JSON for the widget and the help center) and
`/kb/<store>/sitemap.xml`. The search endpoint answers pages on the store's allowed sites
(the widget's origin list), like the widget's own endpoints."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from dukkan.core.selectors import public_store
from dukkan.knowledge import selectors
from dukkan.knowledge.models import ArticleLanguage
from dukkan.widget.selectors import origin_allowed

QUERY_LIMIT = 200
RESULTS_LIMIT = 10


def _error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


@csrf_exempt
def search_json(request: HttpRequest, store_slug: str) -> HttpResponse:
    """GET ?q=…&lang=ar|fa|en&limit=N → {"query", "results": [{id, title, url, snippet_html,
    score, kind}]}; published articles only."""
    language = str(request.GET.get("lang", ""))[:2].lower()
    if language not in ArticleLanguage.values:
        language = ""
    with translation.override(language or translation.get_language()):
        store = public_store(store_slug)
        origin = request.headers.get("Origin", "")
        own = f"{request.scheme}://{request.get_host()}"
        if store is None:
            return _error("not_found", _("There is no help center at this address."), 404)
        if origin and not origin_allowed(store, origin, own):
            return _error(
                "origin_not_allowed",
                _("This site may not use the store's help center search."),
                403,
            )
        if request.method == "OPTIONS":
            response: HttpResponse = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, OPTIONS"
            response["Access-Control-Max-Age"] = "600"
        elif request.method != "GET":
            response = _error(
                "method_not_allowed", _("This address does not accept that method."), 405
            )
            response["Allow"] = "GET, OPTIONS"
        else:
            query = str(request.GET.get("q", ""))[:QUERY_LIMIT]
            try:
                limit = max(1, min(RESULTS_LIMIT, int(request.GET.get("limit", 5))))
            except ValueError:
                limit = 5
            hits = selectors.search_articles(store, query, language=language or None, limit=limit)
            response = JsonResponse(
                {
                    "query": query,
                    "results": [
                        {
                            "id": hit.id,
                            "title": hit.title,
                            "url": request.build_absolute_uri(hit.url),
                            "snippet_html": str(hit.snippet_html),
                            "score": hit.score,
                            "kind": hit.kind,
                            "language": hit.language,
                        }
                        for hit in hits
                    ],
                }
            )
            patch_cache_control(response, public=True, max_age=30)
    if origin:
        response["Access-Control-Allow-Origin"] = origin
        patch_vary_headers(response, ["Origin"])
    return response


def sitemap(request: HttpRequest, store_slug: str) -> HttpResponse:
    """Every published article and category page and each language's help center home,
    with hreflang alternates between an article's translations."""
    from xml.sax.saxutils import escape, quoteattr

    store = public_store(store_slug)
    if store is None:
        return HttpResponse(status=404)
    articles = list(
        selectors.public_articles_all(store).select_related("store").order_by("language", "pk")
    )
    groups: dict[str, list[tuple[str, str]]] = {}
    urls: list[tuple[str, str, str]] = []  # (loc, lastmod, group)
    for article in articles:
        loc = request.build_absolute_uri(selectors.article_url(article))
        groups.setdefault(str(article.translation_group), []).append((article.language, loc))
        urls.append((loc, article.updated_at.date().isoformat(), str(article.translation_group)))
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    languages = sorted({a.language for a in articles})
    for code in languages:
        with translation.override(code):
            home = request.build_absolute_uri(
                reverse("knowledge_helpcenter:home", kwargs={"store_slug": store.slug})
            )
        lines.append(f"<url><loc>{escape(home)}</loc></url>")
    for category in selectors.categories_all(store):
        with translation.override(category.language):
            loc = request.build_absolute_uri(
                reverse(
                    "knowledge_helpcenter:category",
                    kwargs={"store_slug": store.slug, "category_slug": category.slug},
                )
            )
        lines.append(f"<url><loc>{escape(loc)}</loc></url>")
    for loc, lastmod, group in urls:
        alternates = (
            "".join(
                f'<xhtml:link rel="alternate" hreflang="{code}" href={quoteattr(href)}/>'
                for code, href in groups[group]
            )
            if len(groups[group]) > 1
            else ""
        )
        lines.append(f"<url><loc>{escape(loc)}</loc><lastmod>{lastmod}</lastmod>{alternates}</url>")
    lines.append("</urlset>")
    response = HttpResponse("\n".join(lines), content_type="application/xml; charset=utf-8")
    patch_cache_control(response, public=True, max_age=600)
    return response
