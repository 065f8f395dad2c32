"""Full-text search over a store's articles, on SQLite (FTS5) and PostgreSQL (tsvector).

Both databases index the same thing: the articles' matching terms (`core.text.tokens`: the
normalised, stemmed words) in `search_title` and `search_body`. A query goes through the same
`tokens`, so spelling variants, plurals and prefixed forms meet. The database only finds
candidates (any query term, the last one also as a prefix for search-as-you-type); the final
score is computed here, in Python, from the terms themselves, so the ranking is the same on
both databases. A query word found nowhere in the store's vocabulary is corrected to close
vocabulary words (pg_trgm on PostgreSQL, rapidfuzz on SQLite, then the same edit-distance
rule on both).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from dukkan.core.text import tokens

QUERY_CHARS = 1000  # a longer query is cut: search-as-you-type never needs more
QUERY_TERMS = 24
CANDIDATES = 200
TERM_CHARS = 64
TITLE_WEIGHT = 2.0
BODY_WEIGHT = 1.0


def index_terms(text: str, limit: int | None = None) -> str:
    """The space-separated matching terms of `text`, as the search columns store them."""
    terms = [t[:TERM_CHARS] for t in tokens(text)]
    if limit is not None:
        terms = terms[:limit]
    return " ".join(terms)


@dataclass(frozen=True)
class Query:
    terms: tuple[str, ...]  # distinct query terms, in order
    prefix: str  # the last word as typed, for search-as-you-type ("" when it is a full word)


def parse_query(text: str, *, as_you_type: bool = True) -> Query:
    text = text[:QUERY_CHARS]
    terms = tuple(dict.fromkeys(t[:TERM_CHARS] for t in tokens(text)))[:QUERY_TERMS]
    prefix = ""
    if as_you_type and terms and text and not text[-1].isspace():
        from dukkan.core.text import words

        last = words(text)
        prefix = last[-1][:TERM_CHARS] if last else ""
    return Query(terms=terms, prefix=prefix)


# --- Keeping the index ---------------------------------------------------------------------


def index_articles(rows: Iterable[tuple[int, str, str]]) -> None:
    """(Re)index articles given as (id, search_title, search_body). PostgreSQL needs nothing."""
    if connection.vendor != "sqlite":
        return
    rows = list(rows)
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            "DELETE FROM knowledge_article_fts WHERE rowid = %s", [(row[0],) for row in rows]
        )
        cursor.executemany(
            "INSERT INTO knowledge_article_fts (rowid, search_title, search_body) "
            "VALUES (%s, %s, %s)",
            rows,
        )


def unindex_articles(ids: Sequence[int]) -> None:
    if connection.vendor != "sqlite" or not ids:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            "DELETE FROM knowledge_article_fts WHERE rowid = %s", [(pk,) for pk in ids]
        )


def add_vocabulary(store_id: int, terms: Iterable[str]) -> None:
    from dukkan.knowledge.models import SearchTerm

    distinct = {t for t in terms if len(t) >= 3}
    if not distinct:
        return
    SearchTerm.objects.bulk_create(
        [SearchTerm(store_id=store_id, term=t) for t in sorted(distinct)],
        ignore_conflicts=True,
        batch_size=2000,
    )


# --- Finding candidates ----------------------------------------------------------------------


@dataclass
class Candidate:
    id: int
    search_title: str
    search_body: str


def _sqlite_match(query: Query) -> str:
    # Terms are letters and digits only (`tokens`), yet each is quoted, so no FTS5 syntax
    # (NEAR, AND, *, -, parentheses) typed by a visitor can reach the parser.
    parts = [f'"{t}"' for t in query.terms]
    if query.prefix:
        parts.append(f'"{query.prefix}" *')
    return " OR ".join(parts)


def _postgres_tsquery(query: Query) -> str:
    parts = [f"'{t}'" for t in query.terms]
    if query.prefix:
        parts.append(f"'{query.prefix}':*")
    return " | ".join(parts)


def candidates(
    store_id: int, query: Query, statuses: Sequence[str], language: str | None
) -> list[Candidate]:
    if not query.terms:
        return []
    filters = "a.store_id = %s AND a.status IN (" + ", ".join(["%s"] * len(statuses)) + ")"
    params: list[str | int] = [store_id, *statuses]
    if language:
        filters += " AND a.language = %s"
        params.append(language)
    if connection.vendor == "sqlite":
        sql = (
            "SELECT a.id, a.search_title, a.search_body FROM knowledge_article_fts f "
            "JOIN knowledge_article a ON a.id = f.rowid "
            f"WHERE knowledge_article_fts MATCH %s AND {filters} "
            "ORDER BY bm25(knowledge_article_fts, 2.0, 1.0) LIMIT %s"
        )
        params = [_sqlite_match(query), *params, CANDIDATES]
    else:
        vector = "a.search_vector"  # stored, generated column (migration 0004)
        sql = (
            "SELECT a.id, a.search_title, a.search_body FROM knowledge_article a "
            f"WHERE {vector} @@ to_tsquery('simple'::regconfig, %s) AND {filters} "
            f"ORDER BY ts_rank({vector}, to_tsquery('simple'::regconfig, %s)) DESC, a.id "
            "LIMIT %s"
        )
        tsquery = _postgres_tsquery(query)
        params = [tsquery, *params, tsquery, CANDIDATES]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [Candidate(*row) for row in cursor.fetchall()]


# --- Typo tolerance --------------------------------------------------------------------------

_vocabulary_lock = threading.Lock()
_vocabulary: dict[tuple[str, int], tuple[int, list[str]]] = {}


def _allowed_edits(term: str) -> int:
    return 0 if len(term) < 4 else 1 if len(term) < 8 else 2


def _sqlite_vocabulary(store_id: int) -> list[str]:
    from dukkan.knowledge.models import SearchTerm

    key = (connection.settings_dict["NAME"], store_id)
    latest = (
        SearchTerm.objects.filter(store_id=store_id)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
        or 0
    )
    with _vocabulary_lock:
        cached = _vocabulary.get(key)
        if cached and cached[0] == latest:
            return cached[1]
    terms = list(SearchTerm.objects.filter(store_id=store_id).values_list("term", flat=True))
    with _vocabulary_lock:
        _vocabulary[key] = (latest, terms)
    return terms


def corrections(store_id: int, term: str, limit: int = 3) -> list[str]:
    """Vocabulary words within a small edit distance of a query term (itself excluded)."""
    edits = _allowed_edits(term)
    if not edits:
        return []
    if connection.vendor == "sqlite":
        found = [
            match
            for match, _score, _index in process.extract(
                term,
                _sqlite_vocabulary(store_id),
                scorer=Levenshtein.distance,
                score_cutoff=edits,
                limit=limit * 4,
            )
        ]
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT term FROM knowledge_searchterm WHERE store_id = %s AND term %% %s "
                "ORDER BY similarity(term, %s) DESC, term LIMIT %s",
                [store_id, term, term, limit * 4],
            )
            found = [row[0] for row in cursor.fetchall()]
    # The same rule on both databases decides what counts as a correction.
    close = [
        (Levenshtein.distance(term, word), word)
        for word in found
        if word != term and Levenshtein.distance(term, word) <= edits
    ]
    return [word for _distance, word in sorted(close)[:limit]]


# --- Scoring ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scored:
    id: int
    score: float  # 0..1: the share of the query's weight that the article matches
    matched: frozenset[str]  # the article terms that matched (for highlighting)


def score(query: Query, found: list[Candidate], substitutes: dict[str, list[str]]) -> list[Scored]:
    """Rank candidates by weighted coverage of the query.

    Each query word is one group of accepted article terms: its own term, or (when it is
    in no article) its spelling corrections at 0.7 of its weight; the word being typed also
    accepts any term it begins at 0.8. A group found in the title counts double. Words that
    fewer candidates have weigh more. The score is the matched share, from 0 to 1.
    """
    if not found:
        return []
    documents = []
    for c in found:
        title, body = set(c.search_title.split()), set(c.search_body.split())
        documents.append((c, title, body, title | body))
    last = query.terms[-1] if query.terms else ""

    def hits(term: str, terms: set[str]) -> tuple[set[str], float]:
        if term in substitutes:
            return set(substitutes[term]) & terms, 0.7
        if term in terms:
            return {term}, 1.0
        if query.prefix and term == last:
            return {t for t in terms if t.startswith(query.prefix)}, 0.8
        return set(), 0.0

    total = len(documents)
    weights = {}
    for term in query.terms:
        df = sum(1 for _c, _t, _b, every in documents if hits(term, every)[0])
        weights[term] = math.log(1 + (total + 1) / (df + 0.5))
    best = sum(weights.values()) * TITLE_WEIGHT
    results = []
    for candidate, title, body, _every in documents:
        value = 0.0
        matched: set[str] = set()
        for term, w in weights.items():
            in_title, factor = hits(term, title)
            if in_title:
                value += w * TITLE_WEIGHT * factor
                matched |= in_title
                continue
            in_body, factor = hits(term, body)
            if in_body:
                value += w * BODY_WEIGHT * factor
                matched |= in_body
        if value > 0:
            results.append(Scored(candidate.id, round(value / best, 4), frozenset(matched)))
    results.sort(key=lambda s: (-s.score, s.id))
    return results


def search(
    store_id: int,
    text: str,
    *,
    statuses: Sequence[str],
    language: str | None = None,
    as_you_type: bool = True,
) -> list[Scored]:
    """Articles of the store matching `text`, best first (every database, same ranking)."""
    query = parse_query(text, as_you_type=as_you_type)
    if not query.terms:
        return []
    found = candidates(store_id, query, statuses, language)
    present: set[str] = set()
    for candidate in found:
        present.update(candidate.search_title.split())
        present.update(candidate.search_body.split())
    substitutes: dict[str, list[str]] = {}
    for term in query.terms:
        if term in present:
            continue
        typing = query.prefix and term == query.terms[-1]
        if typing and any(t.startswith(query.prefix) for t in present):
            continue  # a word still being typed: its completions are its matches
        fixes = corrections(store_id, term)
        if fixes:
            substitutes[term] = fixes
    if substitutes:
        extra = [fix for fixes in substitutes.values() for fix in fixes]
        wider = Query(terms=tuple(dict.fromkeys([*query.terms, *extra])), prefix=query.prefix)
        found = candidates(store_id, wider, statuses, language)
    return score(query, found, substitutes)
