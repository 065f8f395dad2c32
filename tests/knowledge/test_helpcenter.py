"""The public help center: pages, SEO (title, description, canonical, hreflang, sitemap),
right-to-left, caching, feedback, search-as-you-type JSON and CORS, XSS."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from dukkan.knowledge import services
from dukkan.knowledge.models import Article

pytestmark = pytest.mark.django_db


def page(name: str, store: Any, language: str, **kwargs: Any) -> str:
    with translation.override(language):
        return reverse(f"knowledge_helpcenter:{name}", kwargs={"store_slug": store.slug, **kwargs})


@pytest.fixture
def refund(store: Any, add: Callable[..., Any]) -> Any:
    category = services.save_category(store, name="المدفوعات", language="ar")
    arabic = add(
        "كيف أسترد أموالي؟", "اطلب **الاسترداد** خلال ١٤ يوماً.", kind="faq", category=category
    )
    add("Refunds", "Ask within 14 days.", language="en", translation_of=arabic)
    add("مسودة سرية", "لا تظهر", status="draft", category=category)
    add("ملاحظة للوكلاء", "داخلية", status="internal", category=category)
    return arabic


def test_article_page_has_seo_tags_and_hreflang(client: Client, store: Any, refund: Any) -> None:
    response = client.get(page("article", store, "ar", article_slug=refund.slug))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in html
    assert f"<title>كيف أسترد أموالي؟ — {store.name}</title>" in html
    assert '<meta name="description" content="اطلب الاسترداد خلال ١٤ يوماً.">' in html
    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html)
    assert canonical is not None
    assert canonical.group(1).startswith("http://testserver/ar/s/")
    hreflang = dict(re.findall(r'<link rel="alternate" hreflang="(\w+)" href="([^"]+)">', html))
    assert set(hreflang) == {"ar", "en"}  # only languages the article exists in
    assert hreflang["en"].endswith(f"/en/s/{store.slug}/help/refunds/")
    assert "<strong>الاسترداد</strong>" in html


def test_article_without_translation_has_no_hreflang(
    client: Client, store: Any, add: Callable[..., Any]
) -> None:
    alone = add("Only in English", "Text", language="en")
    html = client.get(page("article", store, "en", article_slug=alone.slug)).content.decode()
    assert 'hreflang="' not in html.split("</head>")[0]


def test_home_and_category_show_only_published(client: Client, store: Any, refund: Any) -> None:
    home = client.get(page("home", store, "ar")).content.decode()
    assert "كيف أسترد أموالي؟" in home
    assert "المدفوعات" in home
    assert "مسودة سرية" not in home
    assert "ملاحظة للوكلاء" not in home
    category = client.get(page("category", store, "ar", category_slug=refund.category.slug))
    assert category.status_code == 200
    assert "مسودة سرية" not in category.content.decode()
    assert client.get(page("article", store, "ar", article_slug="مسودة-سرية")).status_code == 404
    assert (
        client.get(page("article", store, "ar", article_slug="ملاحظة-للوكلاء")).status_code == 404
    )


def test_wrong_language_redirects_to_the_article_language(
    client: Client, store: Any, refund: Any
) -> None:
    response = client.get(page("article", store, "en", article_slug=refund.slug))
    assert response.status_code == 301
    assert response["Location"].startswith("/ar/")


def test_page_is_revalidated_by_etag_and_changes_after_edit(
    client: Client, store: Any, refund: Any
) -> None:
    url = page("article", store, "ar", article_slug=refund.slug)
    first = client.get(url)
    etag = first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    services.update_article(refund, by=None, title="كيف أسترد ثمن الكتاب؟")
    second = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert second.status_code == 200
    assert "كيف أسترد ثمن الكتاب؟" in second.content.decode()


def test_views_are_counted(client: Client, store: Any, refund: Any) -> None:
    url = page("article", store, "ar", article_slug=refund.slug)
    client.get(url)
    client.get(url)
    refund.refresh_from_db()
    assert refund.view_count == 2


def test_one_helpful_vote_per_session(client: Client, store: Any, refund: Any) -> None:
    url = page("feedback", store, "ar", article_slug=refund.slug)
    assert client.post(url, {"helpful": "maybe"}).status_code == 400
    client.post(url, {"helpful": "yes"})
    client.post(url, {"helpful": "yes"})
    refund.refresh_from_db()
    assert (refund.helpful_yes, refund.helpful_no) == (1, 0)
    client.post(url, {"helpful": "no"}, HTTP_HX_REQUEST="true")  # changing one's mind
    refund.refresh_from_db()
    assert (refund.helpful_yes, refund.helpful_no) == (0, 1)
    Client().post(url, {"helpful": "yes"})  # another visitor
    refund.refresh_from_db()
    assert (refund.helpful_yes, refund.helpful_no) == (1, 1)


def test_sitemap_lists_published_articles_with_alternates(
    client: Client, store: Any, refund: Any
) -> None:
    response = client.get(f"/kb/{store.slug}/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    xml = response.content.decode()
    from xml.etree import ElementTree

    root = ElementTree.fromstring(xml)
    locs = [e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert any(loc and loc.endswith(f"/en/s/{store.slug}/help/refunds/") for loc in locs)
    assert not any(loc and "مسودة" in loc for loc in locs)
    assert 'hreflang="en"' in xml
    assert client.get("/kb/no-such-store/sitemap.xml").status_code == 404


def test_search_page_and_json(client: Client, store: Any, refund: Any) -> None:
    html = client.get(page("search", store, "ar"), {"q": "الاسترداد"}).content.decode()
    assert "كيف أسترد أموالي؟" in html
    assert "<mark>" in html
    data = json.loads(client.get(f"/kb/{store.slug}/search", {"q": "استر", "lang": "ar"}).content)
    assert [r["title"] for r in data["results"]] == ["كيف أسترد أموالي؟"]
    assert data["results"][0]["url"].startswith("http://testserver/ar/")
    for bad in ["", "🙂" * 50, "x" * 10_000, '"NEAR(*)"', "-", "((("]:
        assert client.get(f"/kb/{store.slug}/search", {"q": bad}).status_code == 200
        assert client.get(page("search", store, "ar"), {"q": bad}).status_code == 200
    assert client.post(f"/kb/{store.slug}/search").status_code == 405
    assert client.get("/kb/no-such-store/search", {"q": "x"}).status_code == 404


def test_search_json_cors_follows_the_widget_origins(
    client: Client, store: Any, refund: Any
) -> None:
    from dukkan.widget.models import WidgetSettings

    WidgetSettings.objects.update_or_create(
        store=store, defaults={"allowed_origins": "https://shop.example"}
    )
    allowed = client.get(
        f"/kb/{store.slug}/search", {"q": "refund"}, HTTP_ORIGIN="https://shop.example"
    )
    assert allowed.status_code == 200
    assert allowed["Access-Control-Allow-Origin"] == "https://shop.example"
    refused = client.get(
        f"/kb/{store.slug}/search", {"q": "refund"}, HTTP_ORIGIN="https://evil.example"
    )
    assert refused.status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert('x')</script>",
        "[click](javascript:alert(1))",
        '<img src="x" onerror="alert(1)">',
        "![x](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "[x](JaVaScRiPt:alert(1))",
        '<svg onload="alert(1)">',
        "<iframe src=//evil.example></iframe>",
    ],
)
def test_scripts_in_markdown_never_run(
    client: Client, store: Any, add: Callable[..., Any], body: str
) -> None:
    article = add("Safe page", f"Before\n\n{body}\n\nAfter", language="en")
    html = client.get(page("article", store, "en", article_slug=article.slug)).content.decode()
    main = html[html.index("<main") :]
    assert "<script" not in main
    assert "<iframe" not in main
    assert "<svg" not in main
    assert not re.search(r"""<[^>]+\son\w+\s*=""", main)
    # Inside a tag (escaped text such as "&lt;a href=…" is harmless and may stay).
    assert not re.search(r"""<[^>]*(href|src)\s*=\s*["']?\s*javascript:""", main, re.IGNORECASE)
    # The search snippet escapes the body's text too.
    hits = json.loads(client.get(f"/kb/{store.slug}/search", {"q": "before"}).content)["results"]
    assert "<script" not in hits[0]["snippet_html"]


def test_unknown_store_is_404(client: Client) -> None:
    assert client.get("/ar/s/nowhere/help/").status_code == 404


def test_rtl_in_persian_and_ltr_in_english(
    client: Client, store: Any, add: Callable[..., Any]
) -> None:
    add("نصب افزونه", "متن", language="fa")
    fa = client.get(page("home", store, "fa")).content.decode()
    assert '<html lang="fa" dir="rtl">' in fa
    assert "نصب افزونه" in fa
    en = client.get(page("home", store, "en")).content.decode()
    assert '<html lang="en" dir="ltr">' in en
    assert "نصب افزونه" not in en
    assert Article.objects.filter(store=store).count() == 1


def test_topic_article_counts_use_the_readers_digits(
    client: Client, make_store: Callable[..., Any]
) -> None:
    persian = make_store(default_language="fa")
    category = services.save_category(persian, name="پرداخت", language="fa")
    for n in range(4):
        services.create_article(
            persian, title=f"مقالهٔ {n}", body="متن", language="fa", category=category
        )
    with translation.override("fa"):
        html = client.get(page("home", persian, "fa")).content.decode()
        expected = translation.ngettext("%(n)s article", "%(n)s articles", 4) % {"n": "۴"}
    assert expected in html
    assert "۴" in expected
    english = make_store(default_language="en")
    topic = services.save_category(english, name="Payments", language="en")
    for n in range(4):
        services.create_article(
            english, title=f"Article {n}", language="en", body="x", category=topic
        )
    assert "4 articles" in client.get(page("home", english, "en")).content.decode()
