"""The demo catalogs: real files, a sale in its window, limited, pay-what-you-want, bundles;
loading twice changes nothing."""

from __future__ import annotations

import io
import tarfile
import zipfile
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from pypdf import PdfReader

from dukkan.catalog import demo, selectors
from dukkan.catalog.models import FileVersion, Product, ProductKind
from dukkan.catalog.storage import private_storage

pytestmark = pytest.mark.django_db

STORES = {
    "alwarraq": {"currency": "SAR", "default_language": "ar"},
    "afzoonesara": {"currency": "IRR", "default_language": "fa"},
    "cedar-apps": {"currency": "USD", "default_language": "en"},
}


def _read(version: FileVersion) -> bytes:
    with private_storage().open(str(version.upload.name), "rb") as handle:
        return bytes(handle.read())


def test_demo_catalogs(make_store: Callable[..., Any]) -> None:
    stores = {slug: make_store(slug=slug, **fields) for slug, fields in STORES.items()}
    demo.load(stores, {})
    snapshot = list(Product.objects.order_by("pk").values_list())
    files = FileVersion.objects.count()
    demo.load(stores, {})
    assert list(Product.objects.order_by("pk").values_list()) == snapshot
    assert FileVersion.objects.count() == files

    now = timezone.now()
    for slug, store in stores.items():
        products = list(selectors.published_products(store))
        assert len(products) == 5, slug
        assert all(p.cover_small and p.sample for p in products), slug
        on_sale = [p for p in products if selectors.price_of(p, now).on_sale]
        assert len(on_sale) == 1, slug
        ends = on_sale[0].sale_ends_at
        assert ends is not None
        assert now + timedelta(days=2) < ends < now + timedelta(days=7)
        assert any(p.quantity_limit for p in products), slug
        assert any(p.pay_what_you_want for p in products), slug
        (bundle,) = [p for p in products if p.kind == ProductKind.BUNDLE]
        assert len(selectors.bundle_items(bundle)) == 3
        assert len(selectors.deliverable_files(bundle)) >= 3

    alwarraq = stores["alwarraq"]
    diwan = selectors.product_for_sale(alwarraq, "ديوان-الحكمة")
    assert diwan is not None
    pdf, epub = (selectors.current_version(f) for f in selectors.product_files(diwan))
    assert pdf is not None
    assert epub is not None
    assert len(PdfReader(io.BytesIO(_read(pdf))).pages) >= 2
    with zipfile.ZipFile(io.BytesIO(_read(epub))) as archive:
        assert archive.namelist()[0] == "mimetype"
        assert archive.read("mimetype") == b"application/epub+zip"
    assert len(selectors.gallery(diwan)) == 2

    plugin = selectors.product_for_sale(stores["afzoonesara"], "افزونه-ی-تاریخ-شمسی-ووکامرس")
    assert plugin is not None
    assert plugin.price_minor == 4_900_000  # rials: 490,000 toman
    (plugin_file,) = selectors.product_files(plugin)
    assert [v.label for v in selectors.versions_of(plugin_file)] == ["2.4.0", "2.3.0"]
    current = selectors.current_version(plugin_file)
    assert current is not None
    with zipfile.ZipFile(io.BytesIO(_read(current))) as archive:
        main = archive.read("persian-date-woo/persian-date-woo.php").decode()
    assert "Plugin Name: Persian Date for WooCommerce" in main
    assert "Version: 2.4.0" in main

    lens = selectors.product_for_sale(stores["cedar-apps"], "markdown-lens")
    assert lens is not None
    assert lens.kind == ProductKind.SOFTWARE
    app = selectors.current_version(selectors.product_files(lens)[0])
    assert app is not None
    with tarfile.open(fileobj=io.BytesIO(_read(app))) as archive:
        member = archive.getmember("markdown-lens-2.1.0/markdown-lens")
        assert member.mode & 0o111


def test_covers_are_drawn_without_installed_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine with no Noto or DejaVu fonts still gets Arabic and Latin covers."""
    from PIL import Image

    from dukkan.catalog import demo_files

    monkeypatch.setattr(demo_files, "FONT_DIRS", ())
    demo_files.font.cache_clear()
    try:
        for rtl in (True, False):
            png = demo_files.cover_png(
                "دليل المبتدئ" if rtl else "A Beginner's Guide",
                "الطبعة الثانية" if rtl else "Second edition",
                "الورّاق" if rtl else "Cedar",
                rtl=rtl,
                colours=("#0f172a", "#334155", "#f8fafc"),
            )
            assert Image.open(io.BytesIO(png)).format == "PNG"
    finally:
        demo_files.font.cache_clear()
