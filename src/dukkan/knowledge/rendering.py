"""Article bodies: Markdown to safe HTML (as product descriptions), and to plain text.

The Markdown dialect and the sanitiser's allow-list are the catalog's (`catalog.markdown`):
raw HTML is off, nh3 removes scripts, event handlers and `javascript:` links. Articles may
also show pictures from any https address (help pages are full of screenshots hosted
elsewhere), besides the store's own uploads.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from urllib.parse import urlsplit

import nh3

from dukkan.catalog.markdown import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    BLOCK_TAGS,
    _to_html,
    media_path_pattern,
)
from dukkan.core.models import Store

_SPACE = re.compile(r"\s+")
_BLOCK_END = re.compile(r"</(p|h\d|li|td|th|pre|blockquote|dd|dt)>|<br\s*/?>")


@lru_cache(maxsize=1024)
def _render(text: str, store_slug: str, store_pk: int) -> str:
    own_media = media_path_pattern(store_slug, store_pk)

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            parts = urlsplit(value)
            if parts.scheme == "https" and parts.netloc:
                return value
            if parts.scheme or parts.netloc or not own_media.match(parts.path):
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


def render_body(text: str, store: Store) -> str:
    """Safe HTML for an article body."""
    return _render(text, store.slug, store.pk)


@lru_cache(maxsize=4096)
def _text(text: str, store_slug: str, store_pk: int) -> str:
    # Block ends become spaces, so words of adjacent paragraphs or cells never run together.
    spaced = _BLOCK_END.sub(" ", _render(text, store_slug, store_pk))
    stripped = nh3.clean(spaced, tags=set())
    return _SPACE.sub(" ", html.unescape(stripped)).strip()


# Text without any character Markdown or HTML give a meaning to reads as itself (most FAQ
# answers): no need to render it, which keeps bulk imports fast.
_MARKUP = re.compile(r"[\\`*_\[\]<>#|~!&]|^\s*(\d+[.)]|[-+=]|\s{4})", re.MULTILINE)


def markdown_to_text(text: str, store: Store) -> str:
    """The words a reader sees (no markup, no link targets): what search and matching read."""
    if not _MARKUP.search(text):
        return _SPACE.sub(" ", text).strip()
    return _text(text, store.slug, store.pk)
