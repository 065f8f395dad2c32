"""FAQ matching quality and speed: `answers.selectors.match_question` against two baselines.

    python bench/kb_eval.py [--articles A.jsonl --queries Q.jsonl] [--db sqlite|postgresql]
                            [--quick] [--latency-only]

Loads the articles into a fresh store through `knowledge.services.import_articles`, runs every
query through the FAQ-matching service and prints one JSON line per method and language and one
per method over all languages:

    {"bench":"kb_eval","db":..,"quick":..,"set":..,"method":"dukkan|bm25|no_normalisation",
     "lang":"ar|fa|en|all","queries":N,"recall_at_1":..,"recall_at_3":..,"mrr":..,
     "p50_ms":..,"p99_ms":..}

`bm25` is `rank_bm25.BM25Okapi` over the lower-cased, white-space-split raw text (title and
body); `no_normalisation` is the product's method with `core.text.normalise` switched off.
Without --articles/--queries it builds the tuning sets of bench/kb_data.py from ../shared/data.
Then (and with --latency-only) it loads 10,000 articles into one store and reports the
service's latency over 1,000 questions (method "dukkan", set "latency-10k").
MRR counts the first relevant article in the top 10 (0 when none is there).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

# Run as a script, this folder would come first on the path and its http.py would shadow the
# standard library's: drop it and import the harness as part of the `bench` package instead.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from bench import harness, kb_data  # noqa: E402

TOP = 10
QUICK_QUERIES = 300  # per language
LATENCY_ARTICLES = 10_000
LATENCY_QUERIES = 1_000


def _read(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def figures(
    ranked: Sequence[Sequence[str]], queries: Sequence[dict[str, Any]], times: Sequence[float]
) -> dict[str, Any]:
    hits1 = hits3 = 0
    reciprocal = 0.0
    for found, query in zip(ranked, queries, strict=True):
        relevant = set(query["relevant"])
        rank = next((i for i, article in enumerate(found[:TOP]) if article in relevant), None)
        if rank is not None:
            reciprocal += 1 / (rank + 1)
            hits1 += rank == 0
            hits3 += rank < 3
    n = max(len(queries), 1)
    return {
        "queries": len(queries),
        "recall_at_1": round(hits1 / n, 4),
        "recall_at_3": round(hits3 / n, 4),
        "mrr": round(reciprocal / n, 4),
        "p50_ms": round(percentile(times, 0.5) * 1000, 3),
        "p99_ms": round(percentile(times, 0.99) * 1000, 3),
    }


def _sample(queries: list[dict[str, Any]], quick: bool) -> list[dict[str, Any]]:
    if not quick:
        return queries
    chosen: list[dict[str, Any]] = []
    for lang in sorted({q["lang"] for q in queries}):
        these = [q for q in queries if q["lang"] == lang]
        step = max(1, len(these) // QUICK_QUERIES)
        chosen.extend(these[::step][:QUICK_QUERIES])
    return chosen


# --- Inside a process with Django set up on the benchmark's database ---------------------------


def _new_store(slug: str) -> Any:
    from dukkan.accounts import services as accounts
    from dukkan.accounts.models import User

    owner = User.objects.create_user(email=f"owner-{slug}@bench.example", password=None)
    return accounts.create_store(owner=owner, name=slug, slug=slug)


def _load(store: Any, articles: list[dict[str, Any]]) -> dict[int, str]:
    """Import the articles (FAQ entries) and answer {database id: the file's id}."""
    from dukkan.knowledge import services as knowledge
    from dukkan.knowledge.models import TITLE_LIMIT, Article

    slugs = {}
    rows = []
    for number, article in enumerate(articles, 1):
        slug = f"e{number}"
        slugs[slug] = str(article["id"])
        title, body = article["title"], article.get("body", "")
        if len(title) > TITLE_LIMIT:  # the whole question stays searchable in the body
            title, body = title[:TITLE_LIMIT], f"{title}\n{body}".strip()
        rows.append(
            knowledge.ImportRow(
                title=title or article["id"],
                body=body,
                kind="faq",
                language=article["lang"],
                slug=slug,
            )
        )
    for start in range(0, len(rows), 5000):
        knowledge.import_articles(store, rows[start : start + 5000], language=rows[0].language)
    return {
        pk: slugs[slug]
        for slug, pk in Article.objects.filter(store=store).values_list("slug", "pk")
    }


def _run(
    search: Callable[[str, str], list[str]], queries: list[dict[str, Any]]
) -> tuple[list[list[str]], list[float]]:
    ranked, times = [], []
    for query in queries:
        started = time.perf_counter()
        found = search(query["text"], query["lang"])
        times.append(time.perf_counter() - started)
        ranked.append(found)
    return ranked, times


def evaluate(
    set_name: str, articles_path: str, queries_path: str, quick: bool
) -> list[dict[str, Any]]:
    from rank_bm25 import BM25Okapi

    from dukkan.answers import selectors

    articles = _read(Path(articles_path))
    queries = _sample(_read(Path(queries_path)), quick)
    store = _new_store(f"kb-eval-{set_name}-{os.getpid()}")
    ids = _load(store, articles)
    harness.log(f"{set_name}: {len(ids)} articles loaded, {len(queries)} queries")

    def product(normalised: bool) -> Callable[[str, str], list[str]]:
        def search(text: str, lang: str) -> list[str]:
            found = selectors._match(store.pk, text, lang, TOP, normalised=normalised)
            return [ids[m.article_id] for m in found]

        return search

    # Build both indexes before timing, as a running server has them.
    product(True)("warm up", "en")
    product(False)("warm up", "en")
    by_lang: dict[str, list[dict[str, Any]]] = {}
    for article in articles:
        by_lang.setdefault(article["lang"], []).append(article)
    bm25 = {
        lang: BM25Okapi([f"{a['title']} {a.get('body', '')}".lower().split() for a in these])
        for lang, these in by_lang.items()
    }

    def baseline(text: str, lang: str) -> list[str]:
        scores = bm25[lang].get_scores(text.lower().split())
        order = sorted(range(len(scores)), key=lambda i: -scores[i])[:TOP]
        return [str(by_lang[lang][i]["id"]) for i in order if scores[i] > 0]

    rows = []
    for method, search in (
        ("dukkan", product(True)),
        ("bm25", baseline),
        ("no_normalisation", product(False)),
    ):
        ranked, times = _run(search, queries)
        langs = sorted({q["lang"] for q in queries})
        for lang in [*langs, "all"]:
            chosen = [i for i, q in enumerate(queries) if lang in ("all", q["lang"])]
            rows.append(
                {
                    "set": set_name,
                    "method": method,
                    "lang": lang,
                    **figures(
                        [ranked[i] for i in chosen],
                        [queries[i] for i in chosen],
                        [times[i] for i in chosen],
                    ),
                }
            )
    return rows


def latency(quick: bool) -> list[dict[str, Any]]:
    """10,000 real articles in one store (both sets' entries, then English questions as
    entries), 1,000 real questions: the service's p50 and p99."""
    from dukkan.answers import selectors

    articles: list[dict[str, Any]] = []
    questions: list[dict[str, Any]] = []
    for item in kb_data.build():
        articles.extend(item.articles)
        questions.extend(item.queries)
    random.Random(7).shuffle(questions)
    spare = [q for q in questions if q["lang"] == "en"]
    for number, query in enumerate(spare[: LATENCY_ARTICLES - len(articles)]):
        articles.append({"id": f"extra-{number}", "lang": "en", "title": query["text"], "body": ""})
    articles = articles[:LATENCY_ARTICLES]
    store = _new_store(f"kb-eval-10k-{os.getpid()}")
    ids = _load(store, articles)
    asked = questions[: 200 if quick else LATENCY_QUERIES]
    selectors.match_question(store.pk, "warm up")
    times = []
    for query in asked:
        started = time.perf_counter()
        selectors.match_question(store.pk, query["text"], query["lang"])
        times.append(time.perf_counter() - started)
    return [
        {
            "set": "latency-10k",
            "articles": len(ids),
            "method": "dukkan",
            "lang": "all",
            "queries": len(asked),
            "p50_ms": round(percentile(times, 0.5) * 1000, 3),
            "p99_ms": round(percentile(times, 0.99) * 1000, 3),
        }
    ]


def inner(payload: dict[str, Any]) -> None:
    from dukkan.cli import _setup

    _setup()
    rows: list[dict[str, Any]] = []
    for set_name, articles, queries in payload["sets"]:
        rows.extend(evaluate(set_name, articles, queries, payload["quick"]))
    if payload["latency"]:
        rows.extend(latency(payload["quick"]))
    print(json.dumps(rows, ensure_ascii=False))


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--articles")
    parser.add_argument("--queries")
    parser.add_argument("--latency-only", action="store_true")
    parser.add_argument("--inner", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        inner(json.loads(Path(args.inner).read_text(encoding="utf-8")))
        return
    if bool(args.articles) != bool(args.queries):
        parser.error("give both --articles and --queries, or neither")
    with tempfile.TemporaryDirectory(prefix="kb-eval-") as folder:
        sets: list[tuple[str, str, str]] = []
        if args.articles:
            sets.append(
                (Path(args.articles).stem.removesuffix("-articles"), args.articles, args.queries)
            )
        elif not args.latency_only:
            for item in kb_data.build():
                articles, queries = (
                    Path(folder, f"{item.name}-a.jsonl"),
                    Path(folder, f"{item.name}-q.jsonl"),
                )
                kb_data.write_jsonl(articles, item.articles)
                kb_data.write_jsonl(queries, item.queries)
                sets.append((item.name, str(articles), str(queries)))
        payload = {"sets": sets, "quick": args.quick, "latency": not args.articles}
        request = Path(folder, "request.json")
        request.write_text(json.dumps(payload), encoding="utf-8")
        with harness.environment(args.db) as prepared:
            done = subprocess.run(
                [sys.executable, __file__, "--inner", str(request)],
                env=prepared.env,
                check=True,
                stdout=subprocess.PIPE,
                text=True,
            )
        for row in json.loads(done.stdout.strip().splitlines()[-1]):
            harness.emit({"bench": "kb_eval", "db": args.db, "quick": args.quick, **row})


if __name__ == "__main__":
    main()
