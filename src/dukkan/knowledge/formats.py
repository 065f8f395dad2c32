"""Import and export formats: a folder (or zip) of Markdown files, CSV and JSON.

Markdown: one article per `.md` file; optional YAML front matter between `---` lines with
`title`, `slug`, `kind` (article|faq), `status`, `language`, `category`, `tags`; without a
title, the first `# heading` is the title; without either, the file name.
CSV: a header row with `question` and `answer` (or `title` and `body`), optionally
`category`, `tags` (comma-separated), `kind`, `status`, `language`, `slug`; UTF-8 (a BOM is
fine). Rows from a CSV are FAQ entries unless `kind` says otherwise.
JSON: a list of objects (or {"articles": [...]}) with the same keys as the front matter plus
`body` (or `answer`; `question` for the title).

Parsing never writes anything; a problem raises `FormatError` with a message that names
the file, line or item.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from django.utils.translation import gettext as _

from dukkan.knowledge.models import Article, ArticleKind
from dukkan.knowledge.services import ImportRow

UPLOAD_LIMIT = 20 * 1024 * 1024  # bytes of an uploaded file
UNPACKED_LIMIT = 100 * 1024 * 1024  # bytes of all Markdown files in a zip together
FILE_LIMIT = 1024 * 1024  # bytes of one Markdown file
ROWS_LIMIT = 20_000


class FormatError(ValueError):
    pass


def _text(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FormatError(
            _("%(where)s is not UTF-8 text (byte %(at)s).") % {"where": where, "at": error.start}
        ) from error


def _tags(value: Any) -> list[str]:
    if isinstance(value, str):
        return [t.strip() for t in value.split(",") if t.strip()]
    if isinstance(value, list):
        return [str(t) for t in value]
    return []


def _str(value: Any) -> str:
    return "" if value is None else str(value)


# --- Markdown --------------------------------------------------------------------------------


def parse_markdown(text: str, where: str) -> ImportRow:
    meta: dict[str, Any] = {}
    body = text
    lines = text.splitlines(keepends=True)
    if lines and lines[0].strip() == "---":
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() in ("---", "...")), 0)
        if not end:
            raise FormatError(
                _("%(where)s: the front matter has no closing ---.") % {"where": where}
            )
        try:
            loaded = yaml.safe_load("".join(lines[1:end])) or {}
        except yaml.YAMLError as error:
            raise FormatError(
                _("%(where)s: the front matter is not valid YAML (%(error)s).")
                % {"where": where, "error": str(error).splitlines()[0]}
            ) from error
        if not isinstance(loaded, dict):
            raise FormatError(
                _("%(where)s: the front matter must be “key: value” lines.") % {"where": where}
            )
        meta = loaded
        body = "".join(lines[end + 1 :])
    title = _str(meta.get("title")).strip()
    if not title:
        stripped = body.lstrip()
        if stripped.startswith("# "):
            first, _sep, rest = stripped.partition("\n")
            title, body = first[2:].strip(), rest
        else:
            title = PurePosixPath(where).stem.replace("-", " ").replace("_", " ")
    return ImportRow(
        title=title,
        body=body.strip() + "\n" if body.strip() else "",
        kind=_str(meta.get("kind") or ArticleKind.ARTICLE),
        language=_str(meta.get("language")),
        slug=_str(meta.get("slug")),
        category=_str(meta.get("category")).strip(),
        tags=_tags(meta.get("tags")),
        status=_str(meta.get("status") or "published"),
        where=where,
    )


def parse_zip(data: bytes) -> list[ImportRow]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise FormatError(_("The file is not a zip archive.")) from error
    members = [
        m
        for m in archive.infolist()
        if not m.is_dir()
        and m.filename.lower().endswith((".md", ".markdown"))
        and not PurePosixPath(m.filename).name.startswith(".")
        and "__MACOSX" not in m.filename
    ]
    if len(members) > ROWS_LIMIT:
        raise FormatError(_("At most %(limit)s files per import.") % {"limit": ROWS_LIMIT})
    if sum(m.file_size for m in members) > UNPACKED_LIMIT:
        raise FormatError(_("The archive unpacks to more than 100 MB."))
    rows = []
    for member in sorted(members, key=lambda m: m.filename):
        if member.file_size > FILE_LIMIT:
            raise FormatError(_("%(where)s is larger than 1 MB.") % {"where": member.filename})
        try:
            content = archive.read(member)
        except (zipfile.BadZipFile, OSError, RuntimeError) as error:
            raise FormatError(
                _("%(where)s cannot be read from the archive.") % {"where": member.filename}
            ) from error
        rows.append(parse_markdown(_text(content, member.filename), member.filename))
    if not rows:
        raise FormatError(_("The archive holds no Markdown (.md) files."))
    return rows


def parse_folder(folder: Path) -> list[ImportRow]:
    if not folder.is_dir():
        raise FormatError(_("%(where)s is not a folder.") % {"where": str(folder)})
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".md", ".markdown"))
    if not files:
        raise FormatError(_("The folder holds no Markdown (.md) files."))
    if len(files) > ROWS_LIMIT:
        raise FormatError(_("At most %(limit)s files per import.") % {"limit": ROWS_LIMIT})
    rows = []
    for path in files:
        where = str(path.relative_to(folder))
        if path.stat().st_size > FILE_LIMIT:
            raise FormatError(_("%(where)s is larger than 1 MB.") % {"where": where})
        rows.append(parse_markdown(_text(path.read_bytes(), where), where))
    return rows


# --- CSV and JSON ----------------------------------------------------------------------------


def parse_csv(data: bytes) -> list[ImportRow]:
    text = _text(data, _("The CSV file"))
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as error:
        raise FormatError(
            _("The CSV file cannot be read: %(error)s.") % {"error": error}
        ) from error
    reader.fieldnames = header
    title_key = "question" if "question" in header else "title" if "title" in header else ""
    body_key = "answer" if "answer" in header else "body" if "body" in header else ""
    if not title_key or not body_key:
        raise FormatError(
            _("The first line of the CSV file must name the columns “question” and “answer”.")
        )
    rows = []
    try:
        for record in reader:
            line = reader.line_num
            if None in record:
                raise FormatError(
                    _("Line %(line)s has more cells than the header.") % {"line": line}
                )
            if not any((v or "").strip() for v in record.values()):
                continue
            rows.append(
                ImportRow(
                    title=_str(record.get(title_key)),
                    body=_str(record.get(body_key)),
                    kind=_str(record.get("kind")) or ArticleKind.FAQ,
                    language=_str(record.get("language")).strip(),
                    slug=_str(record.get("slug")).strip(),
                    category=_str(record.get("category")).strip(),
                    tags=_tags(_str(record.get("tags"))),
                    status=_str(record.get("status")).strip() or "published",
                    where=_("line %(line)s") % {"line": line},
                )
            )
            if len(rows) > ROWS_LIMIT:
                raise FormatError(_("At most %(limit)s rows per import.") % {"limit": ROWS_LIMIT})
    except csv.Error as error:
        raise FormatError(
            _("The CSV file is broken near line %(line)s: %(error)s.")
            % {"line": reader.line_num, "error": error}
        ) from error
    if not rows:
        raise FormatError(_("The CSV file holds no rows."))
    return rows


def parse_json(data: bytes) -> list[ImportRow]:
    try:
        loaded = json.loads(_text(data, _("The JSON file")))
    except json.JSONDecodeError as error:
        raise FormatError(
            _("The JSON file is not valid JSON (line %(line)s, column %(column)s: %(error)s).")
            % {"line": error.lineno, "column": error.colno, "error": error.msg}
        ) from error
    items = loaded.get("articles") if isinstance(loaded, dict) else loaded
    if not isinstance(items, list):
        raise FormatError(_('The JSON file must hold a list of articles (or {"articles": [...]}).'))
    if len(items) > ROWS_LIMIT:
        raise FormatError(_("At most %(limit)s rows per import.") % {"limit": ROWS_LIMIT})
    rows = []
    for index, item in enumerate(items, start=1):
        where = _("item %(n)s") % {"n": index}
        if not isinstance(item, dict):
            raise FormatError(_("%(where)s is not an object.") % {"where": where})
        rows.append(
            ImportRow(
                title=_str(item.get("title") or item.get("question")),
                body=_str(item.get("body") or item.get("answer")),
                kind=_str(item.get("kind")) or ArticleKind.ARTICLE,
                language=_str(item.get("language") or item.get("lang")),
                slug=_str(item.get("slug")),
                category=_str(item.get("category")).strip(),
                tags=_tags(item.get("tags")),
                status=_str(item.get("status")) or "published",
                where=where,
            )
        )
    if not rows:
        raise FormatError(_("The JSON file holds no articles."))
    return rows


def parse(format: str, data: bytes) -> list[ImportRow]:
    if len(data) > UPLOAD_LIMIT:
        raise FormatError(_("The file is larger than 20 MB."))
    parser = {"zip": parse_zip, "csv": parse_csv, "json": parse_json}.get(format)
    if parser is None:
        raise FormatError(_("Unknown format."))
    return parser(data)


# --- Export ----------------------------------------------------------------------------------


def _record(article: Article) -> dict[str, Any]:
    return {
        "title": article.title,
        "slug": article.slug,
        "kind": article.kind,
        "status": article.status,
        "language": article.language,
        "category": article.category.name if article.category else "",
        "tags": list(article.tags),
        "body": article.body,
    }


def export_json(articles: Iterable[Article]) -> bytes:
    data = {"articles": [_record(a) for a in articles]}
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def export_csv(articles: Iterable[Article]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(
        ["question", "answer", "kind", "status", "language", "category", "tags", "slug"]
    )
    for a in articles:
        r = _record(a)
        writer.writerow(
            [
                r["title"],
                r["body"],
                r["kind"],
                r["status"],
                r["language"],
                r["category"],
                ", ".join(r["tags"]),
                r["slug"],
            ]
        )
    return ("\ufeff" + out.getvalue()).encode()  # a BOM, so spreadsheets read UTF-8


def export_zip(articles: Iterable[Article]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for a in articles:
            record = _record(a)
            body = record.pop("body")
            front = yaml.safe_dump(record, allow_unicode=True, sort_keys=False)
            archive.writestr(f"{a.language}/{a.slug}.md", f"---\n{front}---\n\n{body}")
    return buffer.getvalue()
