"""Product descriptions: Markdown to safe HTML.

markdown-it-py (CommonMark plus tables, raw HTML off) renders; nh3 then keeps only a small
set of tags and attributes, so no script, event handler or `javascript:` link survives.
Links get rel="nofollow noopener"; pictures are kept only when they are the store's own
uploads. Every block carries dir="auto", so an English sentence in a Persian description
(and the reverse) runs in its own direction.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt

BLOCK_TAGS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "td", "th", "dd", "dt")
ALLOWED_TAGS = {
    *BLOCK_TAGS,
    "a",
    "br",
    "code",
    "del",
    "em",
    "hr",
    "img",
    "ol",
    "pre",
    "s",
    "strong",
    "table",
    "tbody",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_markdown.enable("table")
_markdown.enable("strikethrough")


def media_path_pattern(store_slug: str, store_pk: int) -> re.Pattern[str]:
    """Paths of the store's own uploaded pictures (see `storefront_urls`: `media`)."""
    return re.compile(
        rf"^/(?:[a-z]{{2}}/)?s/{re.escape(store_slug)}/media/catalog/{store_pk}/images/[^?#]+$"
    )


def _to_html(text: str) -> str:
    tokens = _markdown.parse(text)
    for token in tokens:
        # The page's title is the only h1: headings in a description start at h2.
        if token.type in ("heading_open", "heading_close") and token.tag.startswith("h"):
            level = min(6, int(token.tag[1:]) + 1)
            token.tag = f"h{level}"
    return str(_markdown.renderer.render(tokens, _markdown.options, {}))


@lru_cache(maxsize=512)
def render_markdown(text: str, store_slug: str, store_pk: int) -> str:
    """Safe HTML for a store's Markdown text (cached: the same text renders the same)."""
    allowed_media = media_path_pattern(store_slug, store_pk)

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            parts = urlsplit(value)
            if parts.scheme or parts.netloc or not allowed_media.match(parts.path):
                return None
        return value

    return nh3.clean(
        _to_html(text),
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=keep,
        link_rel="nofollow noopener",
        url_schemes={"http", "https", "mailto"},
        set_tag_attribute_values={tag: {"dir": "auto"} for tag in BLOCK_TAGS},
    )
