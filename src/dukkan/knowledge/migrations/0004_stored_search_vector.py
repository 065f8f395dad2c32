"""PostgreSQL: keep the weighted tsvector in a stored generated column, so ranking the
candidates reads it instead of recomputing `to_tsvector` for every matching row. The ORM
never names the column; PostgreSQL fills it on every insert and update."""

from __future__ import annotations

from typing import Any

from django.db import migrations

VECTOR = (
    "setweight(to_tsvector('simple'::regconfig, search_title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, search_body), 'B')"
)
FORWARD = [
    "ALTER TABLE knowledge_article ADD COLUMN IF NOT EXISTS search_vector tsvector "
    f"GENERATED ALWAYS AS ({VECTOR}) STORED",
    "CREATE INDEX IF NOT EXISTS knowledge_article_vector ON knowledge_article "
    "USING gin (search_vector)",
    "DROP INDEX IF EXISTS knowledge_article_tsv",
]
BACKWARD = [
    f"CREATE INDEX IF NOT EXISTS knowledge_article_tsv ON knowledge_article USING gin (({VECTOR}))",
    "DROP INDEX IF EXISTS knowledge_article_vector",
    "ALTER TABLE knowledge_article DROP COLUMN IF EXISTS search_vector",
]


def _run(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0003_longer_titles")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
