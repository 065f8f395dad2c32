"""Full-text search indexes, per database.

SQLite: an FTS5 table over the articles' matching terms, kept by `knowledge.search` (rowid is
the article's id). PostgreSQL: a weighted tsvector GIN index over the same columns with the
'simple' configuration (the terms are already normalised and stemmed), and pg_trgm for typo
tolerance over the search vocabulary.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS knowledge_article_fts USING fts5("
    "search_title, search_body, tokenize = 'unicode61 remove_diacritics 0')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS knowledge_article_fts"]

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS knowledge_article_tsv ON knowledge_article USING gin (("
    "setweight(to_tsvector('simple'::regconfig, search_title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, search_body), 'B')))",
    "CREATE INDEX IF NOT EXISTS knowledge_term_trgm ON knowledge_searchterm "
    "USING gin (term gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS knowledge_term_trgm",
    "DROP INDEX IF EXISTS knowledge_article_tsv",
]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
