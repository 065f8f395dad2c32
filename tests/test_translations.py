"""Arabic and Persian catalogs are complete, current and keep every placeholder."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from django.core.management import call_command

from dukkan.i18n import LANGUAGES, LOCALE_DIR

PACKAGE = LOCALE_DIR.parent
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{ *\w+ *\}\}|%[sd]")


def _catalog(path: Path, language: str) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, locale=language)


def _entries(catalog: Catalog) -> list[tuple[str, object]]:
    return [(m.id if isinstance(m.id, str) else m.id[0], m) for m in catalog if m.id]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated(language: str) -> None:
    catalog = _catalog(LOCALE_DIR / language / "LC_MESSAGES" / "django.po", language)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    assert not missing, (
        f"{len(missing)} untranslated or fuzzy strings in {language}: {missing[:10]}"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_their_placeholders(language: str) -> None:
    catalog = _catalog(LOCALE_DIR / language / "LC_MESSAGES" / "django.po", language)
    broken = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        if isinstance(message.id, str):
            source, target = message.id, message.string
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(target)):
                broken.append(source)
            continue
        # Plurals: Arabic's zero, one and two forms say the number in words, so a form may
        # leave a placeholder out; none may bring in an unknown one, and the general (last)
        # form must carry them all.
        source = message.id[1]
        known = set(PLACEHOLDER.findall(message.id[0]) + PLACEHOLDER.findall(source))
        forms = list(message.string)
        unknown = any(set(PLACEHOLDER.findall(form)) - known for form in forms)
        if unknown or sorted(PLACEHOLDER.findall(forms[-1])) != sorted(PLACEHOLDER.findall(source)):
            broken.append(source)
    assert not broken, f"placeholders differ in {language}: {broken[:10]}"


def test_catalogs_contain_every_string_of_the_source(tmp_path: Path) -> None:
    """Extract afresh from a copy of the package and compare with the committed catalogs."""
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("GNU gettext (xgettext) is needed in CI to check the catalogs")
        pytest.skip("xgettext is not installed (apt-get install gettext); CI runs this check")
    copy = tmp_path / "dukkan"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static"))
    cwd = os.getcwd()
    os.chdir(copy)
    try:
        call_command(
            "makemessages", locale=list(LANGUAGES), no_obsolete=True, no_location=True, verbosity=0
        )
    finally:
        os.chdir(cwd)
    for language in LANGUAGES:
        fresh = {
            key
            for key, _ in _entries(
                _catalog(copy / "locale" / language / "LC_MESSAGES" / "django.po", language)
            )
        }
        kept = {
            key
            for key, _ in _entries(
                _catalog(LOCALE_DIR / language / "LC_MESSAGES" / "django.po", language)
            )
        }
        new = sorted(fresh - kept)
        assert not new, (
            f"run `dukkan i18n extract` and translate: {len(new)} new strings in {language}, e.g. {new[:5]}"
        )
