"""The reviews block other apps' pages include (the product page)."""

from __future__ import annotations

from django import template
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from dukkan.catalog.models import Product
from dukkan.core import pagecache
from dukkan.reviews import selectors

register = template.Library()


@register.simple_tag
def product_reviews(product: Product) -> SafeString:
    # The product page is cached and re-rendered when its sale phase turns, with no query;
    # the block is kept under the same stores version, which every review change bumps.
    key = f"reviews:block:{product.pk}:{get_language()}:{pagecache.current_version()}"
    html = cache.get(key)
    if html is None:
        html = _render(product)
        cache.set(key, html, pagecache.ENTRY_SECONDS)
    return mark_safe(html)


def _render(product: Product) -> str:
    reviews = selectors.for_product(product)
    summary = selectors.summary(reviews)
    if not summary.count:
        return ""
    return render_to_string(
        "reviews/_list.html",
        {"reviews": reviews[:20], "summary": summary, "store": product.store},
    )
