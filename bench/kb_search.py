"""Knowledge base: bulk import speed and help-center search latency at 10,000 articles.

    python bench/kb_search.py [--db sqlite|postgresql] [--quick]

In a fresh database it imports N articles (10,000; 2,000 with --quick) into one store with
`knowledge.services.import_articles` (one transaction, bulk inserts, one index pass), then
runs search queries through `knowledge.selectors.search_articles` — the function behind the
help center's search page and the search-as-you-type endpoint — in three kinds: whole words,
a word still being typed (prefix), and words with a typo (the typo-tolerance path). The
articles are the demo stores' real help texts in Arabic, Persian and English, each repeated
with a distinct number so every article is different. One JSON line per kind of query:

    {"bench":"kb_search","db":..,"quick":..,"articles":N,"import_s":..,"kind":"words|prefix|typo",
     "queries":M,"p50_ms":..,"p99_ms":..}

Measured in-process (the service, not HTTP): the page and JSON views add only rendering.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from bench import harness  # noqa: E402

CHILD = r"""
import json, random, time
from dukkan.accounts.services import create_store
from dukkan.accounts.models import User
from dukkan.knowledge import demo, services
from dukkan.knowledge.selectors import search_articles
from dukkan.core.text import words

N, QUERIES = {n}, {queries}
import uuid
run = uuid.uuid4().hex[:8]  # a kept PostgreSQL bench database may hold earlier runs' stores
owner = User.objects.create_user(email=f"bench-kb-{{run}}@example.com", password="x" * 20)
store = create_store(owner=owner, name="KB bench", slug=f"kb-bench-{{run}}", default_language="ar")
specs = [s for specs in demo.ARTICLES.values() for s in specs if s[7].get("status") != "internal"]
rows = []
for n in range(N):
    key, language, kind, _c, _s, title, body, _e = specs[n % len(specs)]
    rows.append(services.ImportRow(title=f"{{title}} {{n}}", body=body, kind=kind, language=language))
started = time.perf_counter()
services.import_articles(store, rows, language="ar")
import_s = time.perf_counter() - started

rng = random.Random(7)
def typo(word):
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1:]
samples = {{"words": [], "prefix": [], "typo": []}}
for _ in range(QUERIES):
    key, language, kind, _c, _s, title, body, _e = rng.choice(specs)
    ws = [w for w in words(title + " " + body) if len(w) > 3]
    picked = rng.sample(ws, min(3, len(ws)))
    samples["words"].append((" ".join(picked), language))
    samples["prefix"].append((" ".join(picked[:-1] + [picked[-1][:3]]), language))
    samples["typo"].append((" ".join(typo(w) for w in picked), language))
for kind, queries in samples.items():
    times = []
    for text, language in queries:
        t = time.perf_counter()
        search_articles(store, text, language=language, limit=10)
        times.append(time.perf_counter() - t)
    times.sort()
    pick = lambda f: times[min(len(times) - 1, round(f * (len(times) - 1)))] * 1000
    print(json.dumps({{"articles": N, "import_s": round(import_s, 2), "kind": kind,
                      "queries": len(times), "p50_ms": round(pick(0.5), 2),
                      "p99_ms": round(pick(0.99), 2)}}))
"""


def main() -> None:
    args = harness.parse_args(__doc__ or "")
    n, queries = (2_000, 200) if args.quick else (10_000, 1_000)
    with harness.environment(args.db) as env:
        harness.log(f"kb_search: importing {n} articles on {args.db}")
        out = env.python(CHILD.format(n=n, queries=queries))
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("{"):
            record = json.loads(line)
            harness.emit({"bench": "kb_search", "db": args.db, "quick": args.quick, **record})


if __name__ == "__main__":
    main()
