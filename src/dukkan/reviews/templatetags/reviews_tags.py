"""The reviews block other apps' pages include (the product page)."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from dukkan.catalog.models import Product
from dukkan.reviews import selectors

register = template.Library()


@register.simple_tag
def product_reviews(product: Product) -> SafeString:
    reviews = selectors.for_product(product)
    summary = selectors.summary(reviews)
    if not summary.count:
        return mark_safe("")
    return mark_safe(
        render_to_string(
            "reviews/_list.html",
            {"reviews": reviews[:20], "summary": summary, "store": product.store},
        )
    )
