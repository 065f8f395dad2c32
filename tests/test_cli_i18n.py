"""Translations compile with Babel alone: no GNU gettext on a fresh machine."""

from __future__ import annotations

import gettext
import os
from pathlib import Path

from dukkan.i18n import catalogs, compile_catalogs
from tests.processes import clean_environ, dukkan

PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;\\n"

msgid "Team"
msgstr "الفريق"

msgid "Draft"
msgstr "مسودة"

#, fuzzy
msgid "Unsure"
msgstr "غير متأكد"
"""


def write_po(locale_dir: Path) -> Path:
    po = locale_dir / "ar" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(PO, encoding="utf-8")
    return po


def test_compiled_catalog_translates_and_leaves_fuzzy_out(tmp_path: Path) -> None:
    po = write_po(tmp_path)
    assert compile_catalogs(only_stale=True, locale_dir=tmp_path) == [po.with_suffix(".mo")]
    with po.with_suffix(".mo").open("rb") as mo:
        translations = gettext.GNUTranslations(mo)
    assert translations.gettext("Team") == "الفريق"
    assert translations.gettext("Draft") == "مسودة"
    assert translations.gettext("Unsure") == "Unsure"
    assert not list(po.parent.glob(".*")), "no temporary file left behind"


def test_only_stale_catalogs_are_recompiled(tmp_path: Path) -> None:
    po = write_po(tmp_path)
    compile_catalogs(only_stale=True, locale_dir=tmp_path)
    assert compile_catalogs(only_stale=True, locale_dir=tmp_path) == []
    mo_time = po.with_suffix(".mo").stat().st_mtime
    os.utime(po, (mo_time + 5, mo_time + 5))
    assert compile_catalogs(only_stale=True, locale_dir=tmp_path) == [po.with_suffix(".mo")]
    assert compile_catalogs(only_stale=False, locale_dir=tmp_path) == [po.with_suffix(".mo")]


def test_dukkan_i18n_compiles_the_shipped_catalogs(tmp_path: Path) -> None:
    shipped = catalogs()
    assert {p.parent.parent.name for p in shipped} >= {"ar", "fa"}
    result = dukkan("i18n", env=clean_environ(tmp_path))
    assert result.returncode == 0, result.stderr
    for po in shipped:
        assert f"compiled {po.with_suffix('.mo')}" in result.stdout
        with po.with_suffix(".mo").open("rb") as mo:
            assert gettext.GNUTranslations(mo).info()["content-type"].endswith("charset=utf-8")


def test_dukkan_i18n_rejects_an_unknown_action(tmp_path: Path) -> None:
    result = dukkan("i18n", "translate", env=clean_environ(tmp_path))
    assert result.returncode == 2
    assert "invalid choice: 'translate'" in result.stderr
