"""Real files for the demo catalog, made on the spot: typographic covers and PDF pages drawn
with Pillow (Arabic and Persian shaped by raqm when the system has it), a small EPUB, a
WordPress plugin zip and a desktop-app archive.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
import textwrap
import zipfile
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, features

FONT_DIRS = (Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/truetype/dejavu"))
ARABIC_FONTS = ("NotoNaskhArabic-{w}.ttf", "NotoSansArabic-{w}.ttf", "NotoKufiArabic-{w}.ttf")
LATIN_FONTS = ("NotoSerif-{w}.ttf", "NotoSans-{w}.ttf", "DejaVuSerif-{w}.ttf", "DejaVuSans-{w}.ttf")
FontType = ImageFont.FreeTypeFont | ImageFont.ImageFont


@cache
def font(rtl: bool, size: int, bold: bool = False) -> FontType:
    weight = "Bold" if bold else "Regular"
    for pattern in ARABIC_FONTS if rtl else LATIN_FONTS:
        for folder in FONT_DIRS:
            path = folder / pattern.format(w=weight)
            if path.exists():
                engine = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
                return ImageFont.truetype(str(path), size, layout_engine=engine)
    return ImageFont.load_default(size)


def _direction(rtl: bool, face: FontType) -> str | None:
    # Only a face laid out by libraqm takes a direction: Pillow's built-in fallback font (used
    # where no Noto or DejaVu font is installed) is laid out without it.
    raqm = getattr(face, "layout_engine", None) == ImageFont.Layout.RAQM
    return "rtl" if rtl and raqm else None


def _wrap(draw: ImageDraw.ImageDraw, text: str, face: FontType, width: int, rtl: bool) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if (
                line
                and draw.textlength(candidate, font=face, direction=_direction(rtl, face)) > width
            ):
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def _draw_lines(
    draw: ImageDraw.ImageDraw,
    lines: list[str],
    face: FontType,
    *,
    top: int,
    left: int,
    right: int,
    leading: int,
    rtl: bool,
    fill: str,
) -> int:
    y = top
    for line in lines:
        if rtl:
            draw.text(
                (right, y), line, font=face, fill=fill, anchor="ra", direction=_direction(rtl, face)
            )
        else:
            draw.text((left, y), line, font=face, fill=fill, anchor="la")
        y += leading
    return y


def cover_png(
    title: str, subtitle: str, brand: str, *, rtl: bool, colours: tuple[str, str, str]
) -> bytes:
    """A 900x1200 typographic cover: colour field, rule, title, subtitle, the store's name."""
    background, accent, ink = colours
    width, height, margin = 900, 1200, 90
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    # Rings in the top corner where the reading starts, a fine frame, a band at the foot.
    corner = width if rtl else 0
    for radius, line in ((330, 14), (250, 6), (185, 3)):
        draw.ellipse(
            [corner - radius, 60 - radius, corner + radius, 60 + radius], outline=accent, width=line
        )
    draw.rectangle([36, 36, width - 36, height - 36], outline=accent, width=3)
    draw.rectangle([36, height - 190, width - 36, height - 36], fill=accent)
    draw.rectangle([margin, 470, width - margin, 476], fill=accent)
    if rtl:  # Arabic-script fonts have no em dash; an Arabic comma reads naturally there
        title, subtitle = (text.replace(" — ", "، ") for text in (title, subtitle))
    title_face = font(rtl, 78, bold=True)
    lines = _wrap(draw, title, title_face, width - 2 * margin, rtl)
    y = _draw_lines(
        draw, lines, title_face, top=520, left=margin, right=width - margin,
        leading=108, rtl=rtl, fill=ink,
    )  # fmt: skip
    sub_face = font(rtl, 40)
    lines = _wrap(draw, subtitle, sub_face, width - 2 * margin, rtl)
    y = _draw_lines(
        draw, lines, sub_face, top=y + 30, left=margin, right=width - margin,
        leading=60, rtl=rtl, fill=ink,
    )  # fmt: skip
    brand_face = font(rtl, 36, bold=True)
    _draw_lines(
        draw, [brand], brand_face, top=height - 135, left=margin, right=width - margin,
        leading=50, rtl=rtl, fill=background,
    )  # fmt: skip
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _pages(title: str, paragraphs: list[str], *, rtl: bool) -> list[Image.Image]:
    """A4 pages (620x877): a title page, then the text."""
    width, height, margin = 620, 877, 60
    pages: list[Image.Image] = []
    title_page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(title_page)
    face = font(rtl, 34, bold=True)
    _draw_lines(
        draw, _wrap(draw, title, face, width - 2 * margin, rtl), face, top=320,
        left=margin, right=width - margin, leading=52, rtl=rtl, fill="#111111",
    )  # fmt: skip
    pages.append(title_page)
    body = font(rtl, 17)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    y = margin
    for paragraph in paragraphs:
        lines = _wrap(draw, paragraph, body, width - 2 * margin, rtl)
        if y + 30 * len(lines) > height - margin:
            pages.append(page)
            page = Image.new("L", (width, height), 255)
            draw = ImageDraw.Draw(page)
            y = margin
        y = _draw_lines(
            draw, lines, body, top=y, left=margin, right=width - margin, leading=30,
            rtl=rtl, fill="#222222",
        ) + 16  # fmt: skip
    pages.append(page)
    return pages


def pdf(title: str, paragraphs: list[str], *, rtl: bool) -> bytes:
    """A small PDF of A4 pages drawn with Pillow."""
    pages = _pages(title, paragraphs, rtl=rtl)
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", save_all=True, append_images=pages[1:], resolution=75.0)
    return buffer.getvalue()


def page_png(title: str, paragraphs: list[str], *, rtl: bool) -> bytes:
    """The first page of text, as a picture for the gallery."""
    page = _pages(title, paragraphs, rtl=rtl)[1].convert("RGB")
    buffer = io.BytesIO()
    page.save(buffer, "PNG")
    return buffer.getvalue()


def screenshot(title: str, lines: list[str], colours: tuple[str, str, str]) -> bytes:
    """An app window: title bar, sidebar outline and a document pane (1280x800)."""
    background, accent, ink = colours
    image = Image.new("RGB", (1280, 800), "#e5e7eb")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([40, 40, 1240, 760], radius=14, fill="#ffffff", outline="#cbd5e1")
    draw.rounded_rectangle([40, 40, 1240, 96], radius=14, fill=background)
    draw.rectangle([40, 80, 1240, 96], fill=background)
    for n, colour in enumerate(("#ef4444", "#f59e0b", "#22c55e")):
        draw.ellipse([64 + n * 28, 60, 80 + n * 28, 76], fill=colour)
    draw.text((640, 68), title, font=font(False, 22, bold=True), fill=ink, anchor="mm")
    draw.rectangle([40, 96, 320, 760], fill="#f8fafc")
    outline = font(False, 18)
    for n, line in enumerate(lines[:8]):
        draw.text((64, 130 + n * 38), line[:26], font=outline, fill="#475569")
    draw.rectangle([60, 122, 64, 150], fill=accent)
    heading = font(False, 34, bold=True)
    draw.text((370, 140), lines[0] if lines else title, font=heading, fill="#0f172a")
    body = font(False, 20)
    y = 210
    for line in lines[1:]:
        draw.text((370, y), line, font=body, fill="#334155")
        y += 40
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _identifier(title: str) -> str:
    return hashlib.blake2b(title.encode(), digest_size=8).hexdigest()


def epub(title: str, language: str, chapters: list[tuple[str, str]]) -> bytes:
    """A minimal, valid EPUB 3: mimetype first and stored, container, package, chapters."""
    buffer = io.BytesIO()
    direction = "rtl" if language in ("ar", "fa") else "ltr"
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        archive.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0"?><container version="1.0" '
            'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>",
            compress_type=zipfile.ZIP_DEFLATED,
        )
        items = "".join(
            f'<item id="c{n}" href="c{n}.xhtml" media-type="application/xhtml+xml"/>'
            for n in range(len(chapters))
        )
        spine = "".join(f'<itemref idref="c{n}"/>' for n in range(len(chapters)))
        nav_links = "".join(
            f'<li><a href="c{n}.xhtml">{name}</a></li>' for n, (name, _text) in enumerate(chapters)
        )
        archive.writestr(
            "OEBPS/content.opf",
            '<?xml version="1.0" encoding="utf-8"?>'
            '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">'
            '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<dc:identifier id="id">urn:dukkan-demo:{_identifier(title)}</dc:identifier>'
            f"<dc:title>{title}</dc:title><dc:language>{language}</dc:language>"
            '<meta property="dcterms:modified">2026-01-01T00:00:00Z</meta></metadata>'
            f'<manifest><item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" '
            f'properties="nav"/>{items}</manifest>'
            f'<spine page-progression-direction="{direction}">{spine}</spine></package>',
            compress_type=zipfile.ZIP_DEFLATED,
        )
        head = (
            '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml" '
            f'xmlns:epub="http://www.idpf.org/2007/ops" lang="{language}" dir="{direction}">'
        )
        archive.writestr(
            "OEBPS/nav.xhtml",
            f'{head}<head><title>{title}</title></head><body><nav epub:type="toc">'
            f"<ol>{nav_links}</ol></nav></body></html>",
            compress_type=zipfile.ZIP_DEFLATED,
        )
        for n, (name, text) in enumerate(chapters):
            paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n") if p.strip())
            archive.writestr(
                f"OEBPS/c{n}.xhtml",
                f"{head}<head><title>{name}</title></head><body><h1>{name}</h1>"
                f"{paragraphs}</body></html>",
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return buffer.getvalue()


def wordpress_plugin(slug: str, name: str, version: str, description: str, php: str) -> bytes:
    """A WordPress plugin zip: `<slug>/<slug>.php` with the plugin header, and a readme."""
    buffer = io.BytesIO()
    header = textwrap.dedent(
        f"""\
        <?php
        /**
         * Plugin Name: {name}
         * Description: {description}
         * Version: {version}
         * Requires at least: 6.0
         * Requires PHP: 7.4
         * Text Domain: {slug}
         * License: GPLv2 or later
         */

        if ( ! defined( 'ABSPATH' ) ) {{
            exit;
        }}

        """
    )
    readme = textwrap.dedent(
        f"""\
        === {name} ===
        Stable tag: {version}
        Requires at least: 6.0
        Tested up to: 6.6
        License: GPLv2 or later

        {description}
        """
    )
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{slug}/{slug}.php", header + textwrap.dedent(php))
        archive.writestr(f"{slug}/readme.txt", readme)
    return buffer.getvalue()


def desktop_app(slug: str, name: str, version: str, source: str, *, trial: bool = False) -> bytes:
    """A small Linux build: a tar.gz with an executable Python program and a README."""
    buffer = io.BytesIO()
    folder = f"{slug}-{version}{'-trial' if trial else ''}"
    files = {
        f"{folder}/{slug}": ("#!/usr/bin/env python3\n" + textwrap.dedent(source), 0o755),
        f"{folder}/README.txt": (
            f"{name} {version}{' (trial: 14 days)' if trial else ''}\n\n"
            f"Run ./{slug} --help to start. Needs Python 3.9 or newer.\n",
            0o644,
        ),
    }
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path, (text, mode) in files.items():
            data = text.encode()
            info = tarfile.TarInfo(path)
            info.size, info.mode, info.mtime = len(data), mode, 1767225600
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()
