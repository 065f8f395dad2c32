"""Translation catalogs: compiled with Babel, so a fresh machine needs no gettext tools."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("ar", "fa")
DOMAINS = ("django", "djangojs")


def catalogs(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    return sorted(locale_dir.glob("*/LC_MESSAGES/*.po"))


def compile_catalogs(*, only_stale: bool, locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Compile each .po to its .mo (only those older than their .po when `only_stale`)."""
    compiled = []
    for po_path in catalogs(locale_dir):
        mo_path = po_path.with_suffix(".mo")
        if only_stale and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as source:
            catalog = read_po(source, locale=po_path.parent.parent.name)
        # Write beside, then rename: a process starting at the same moment never reads half a file.
        handle, temporary = tempfile.mkstemp(dir=mo_path.parent, prefix=".", suffix=".mo")
        try:
            with os.fdopen(handle, "wb") as target:
                write_mo(target, catalog, use_fuzzy=False)
            os.chmod(temporary, 0o644)
            os.replace(temporary, mo_path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        compiled.append(mo_path)
    return compiled


def extract_catalogs() -> None:
    """Refresh the .po files from the source (needs GNU gettext: developers only)."""
    from django.core.management import call_command

    package = Path(__file__).resolve().parent
    cwd = os.getcwd()
    os.chdir(package)
    try:
        call_command(
            "makemessages", locale=list(LANGUAGES), no_obsolete=True, no_location=True, verbosity=1
        )
    finally:
        os.chdir(cwd)
