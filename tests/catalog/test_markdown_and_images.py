"""Descriptions are sanitised Markdown; pictures are decoded, re-encoded and thumbnailed."""

from __future__ import annotations

import io
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dukkan.catalog import services
from dukkan.catalog.markdown import render_markdown
from tests.catalog.conftest import picture_bytes

pytestmark = pytest.mark.django_db


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def _tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    collector = _Collector()
    collector.feed(html)
    return collector.tags


def _render(text: str) -> str:
    return render_markdown(text, "alwarraq", 7)


def test_scripts_handlers_and_javascript_links_are_removed() -> None:
    html = _render(
        "<script>alert(1)</script>\n\n"
        '<img src="x" onerror="alert(1)">\n\n'
        "[click](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=)\n\n"
        '<a href="https://evil.example" onclick="steal()">raw</a>'
    )
    tags = _tags(html)
    assert "script" not in [tag for tag, _attrs in tags]
    assert "img" not in [tag for tag, _attrs in tags]  # raw HTML is shown as text, never run
    for _tag, attrs in tags:
        for name, value in attrs:
            assert not name.startswith("on")
            assert not (value or "").lower().startswith(("javascript:", "data:"))
    assert "&lt;script&gt;" in html  # what the seller typed stays visible, harmlessly


def test_links_get_nofollow_and_blocks_get_dir_auto() -> None:
    html = _render(
        "## العنوان\n\nفقرة عربية فيها كلمة English.\n\n"
        "This paragraph is English.\n\n- بند\n\n[site](https://example.com)"
    )
    assert '<h3 dir="auto">العنوان</h3>' in html  # headings start below the page's h1/h2
    assert '<p dir="auto">فقرة عربية فيها كلمة English.</p>' in html
    assert '<p dir="auto">This paragraph is English.</p>' in html
    assert '<li dir="auto">بند</li>' in html
    assert 'rel="nofollow noopener"' in html


def test_tables_render() -> None:
    html = _render("| الصيغة | يناسب |\n|---|---|\n| PDF | الطباعة |")
    assert "<table>" in html
    assert '<td dir="auto">الطباعة</td>' in html


def test_only_the_stores_own_pictures_are_kept() -> None:
    own = "/ar/s/alwarraq/media/catalog/7/images/0123456789abcdef/page.webp"
    html = _render(
        f"![own]({own})\n\n![tracker](https://tracker.example/pixel.gif)\n\n"
        "![other store](/ar/s/other/media/catalog/8/images/0123456789abcdef/x.webp)"
    )
    assert f'src="{own}"' in html
    assert "tracker.example" not in html
    assert "/catalog/8/" not in html


def test_cover_thumbnails_from_a_real_photo(make_store: Callable[..., Any]) -> None:
    store = make_store()
    product = services.create_product(store, title="Book", price_minor=100)
    # EXIF orientation 6: the camera was turned; the stored picture must stand upright.
    upload = SimpleUploadedFile("photo.jpg", picture_bytes((1600, 1200), exif_orientation=6))
    services.set_cover(product, upload)
    product.refresh_from_db()
    with product.cover_small.open("rb") as handle:
        small = Image.open(io.BytesIO(handle.read()))
    with product.cover_large.open("rb") as handle:
        large = Image.open(io.BytesIO(handle.read()))
    assert small.format == large.format == "WEBP"
    assert small.size == (320, 427)  # upright: portrait after applying the orientation
    assert large.size == (960, 1280)
    assert not small.getexif()
    assert not large.getexif()
    assert b"secret description" not in product.cover.open("rb").read()


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4 not a picture",
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        picture_bytes()[:200],  # a truncated JPEG
        b"",
    ],
)
def test_non_pictures_are_refused(make_store: Callable[..., Any], content: bytes) -> None:
    store = make_store()
    product = services.create_product(store, title="Book", price_minor=100)
    with pytest.raises(ValidationError):
        services.set_cover(product, ContentFile(content, name="cover.jpg"))
    product.refresh_from_db()
    assert not product.cover


def test_gallery_pictures(make_store: Callable[..., Any]) -> None:
    store = make_store()
    product = services.create_product(store, title="Book", price_minor=100)
    png = picture_bytes((800, 600), fmt="PNG")
    picture = services.add_gallery_image(product, ContentFile(png, name="shot.png"), alt="Shot")
    assert (picture.width, picture.height) == (800, 600)
    assert (picture.thumbnail.name or "").endswith(".webp")
    services.remove_gallery_image(picture)
    assert not product.images.exists()
