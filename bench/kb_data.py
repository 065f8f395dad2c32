"""Turn the shared FAQ data into FAQ-retrieval sets for bench/kb_eval.py.

    python bench/kb_data.py [--data ../shared/data] [--out DIR]

writes, for each set, `<set>-articles.jsonl` ({"id","lang","title","body"}) and
`<set>-queries.jsonl` ({"id","lang","text","relevant":[article ids]}), following the conversion
rules of the data READMEs exactly:

- `support-faq` (Arabic, English): one entry per intent and language; title = the intent's name
  (Arabic from the intents file; English = the id with `_` as spaces), body = the intent's first
  five training questions in file order, one per line. Tuning queries: the Arabic validation file,
  and the English training rows after the first five of each intent.
- `faq` (Arabic, Persian): each positive pair's q1 is an entry (title q1, empty body) and its q2 a
  query relevant to every q1 it is positively paired with; every other question is a distractor
  entry; a query whose exact text is also an entry is dropped.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@dataclass
class RetrievalSet:
    name: str
    articles: list[dict[str, str]] = field(default_factory=list)
    queries: list[dict[str, object]] = field(default_factory=list)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def support_faq(data: Path) -> RetrievalSet:
    folder = data / "support-faq"
    result = RetrievalSet("support-faq")
    # Arabic: intents by Arabic name; entries from the training file, queries from validation.
    arabic_names = [row["label_ar"].strip() for row in _rows(folder / "ar_arbanking77_intents.csv")]
    by_intent: dict[str, list[str]] = defaultdict(list)
    for row in _rows(folder / "ar_arbanking77_train.csv"):
        by_intent[row["label"].strip()].append(row["text"].strip())
    ids: dict[str, str] = {}
    for number, name in enumerate(arabic_names, 1):
        ids[name] = f"ar-intent-{number:02d}"
        result.articles.append(
            {"id": ids[name], "lang": "ar", "title": name, "body": "\n".join(by_intent[name][:5])}
        )
    for number, row in enumerate(_rows(folder / "ar_arbanking77_val.csv"), 1):
        label = row["label"].strip()
        if label not in ids:
            continue
        result.queries.append(
            {
                "id": f"ar-q{number}",
                "lang": "ar",
                "text": row["text"].strip(),
                "relevant": [ids[label]],
            }
        )
    # English: the ids from the categories file, entries and tuning queries both from training.
    categories = json.loads((folder / "en_banking77_categories.json").read_text(encoding="utf-8"))
    english: dict[str, list[str]] = defaultdict(list)
    for row in _rows(folder / "en_banking77_train.csv"):
        english[row["category"].strip()].append(row["text"].strip())
    for number, category in enumerate(categories, 1):
        article_id = f"en-intent-{number:02d}"
        questions = english[category]
        result.articles.append(
            {
                "id": article_id,
                "lang": "en",
                "title": category.replace("_", " "),
                "body": "\n".join(questions[:5]),
            }
        )
        for index, text in enumerate(questions[5:], 6):
            result.queries.append(
                {
                    "id": f"en-{category}-{index}",
                    "lang": "en",
                    "text": text,
                    "relevant": [article_id],
                }
            )
    return result


def _pairs(data: Path) -> list[tuple[str, str, str, bool]]:
    """(lang, q1, q2, positive) for both pair files."""
    folder = data / "faq"
    pairs: list[tuple[str, str, str, bool]] = []
    with (folder / "ar_mawdoo3_q2q_pairs.tsv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            pairs.append(
                (
                    "ar",
                    row["question1"].strip(),
                    row["question2"].strip(),
                    row["label"].strip() == "1",
                )
            )
    with (folder / "fa_parsinlu_qqp_pairs.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                pairs.append(("fa", row["q1"].strip(), row["q2"].strip(), str(row["label"]) == "1"))
    return pairs


def faq_pairs(data: Path) -> RetrievalSet:
    result = RetrievalSet("faq")
    for lang in ("ar", "fa"):
        pairs = [
            (q1, q2, positive) for pair_lang, q1, q2, positive in _pairs(data) if pair_lang == lang
        ]
        entries: dict[str, str] = {}  # text -> id, in first-seen order

        def entry(text: str, _entries: dict[str, str] = entries, _lang: str = lang) -> str:
            if text not in _entries:
                _entries[text] = f"{_lang}-faq-{len(_entries) + 1}"
            return _entries[text]

        relevant: dict[str, list[str]] = {}
        for q1, q2, positive in pairs:
            if positive and q1 and q2:
                ids = relevant.setdefault(q2, [])
                if entry(q1) not in ids:
                    ids.append(entry(q1))
        for q1, q2, _positive in pairs:
            for text in (q1, q2):
                if text and text not in relevant:
                    entry(text)  # a distractor (or an already listed entry)
        for text, article_id in entries.items():
            result.articles.append({"id": article_id, "lang": lang, "title": text, "body": ""})
        for number, (text, ids) in enumerate(relevant.items(), 1):
            if text in entries:
                continue  # found trivially
            result.queries.append(
                {"id": f"{lang}-pq{number}", "lang": lang, "text": text, "relevant": ids}
            )
    return result


def build(data: Path = DEFAULT_DATA) -> list[RetrievalSet]:
    return [support_faq(data), faq_pairs(data)]


def write_jsonl(path: Path, rows: list[dict[str, object]] | list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=Path("kb-eval-data"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for item in build(args.data):
        write_jsonl(args.out / f"{item.name}-articles.jsonl", item.articles)
        write_jsonl(args.out / f"{item.name}-queries.jsonl", item.queries)
        print(
            f"{item.name}: {len(item.articles)} articles, {len(item.queries)} queries in {args.out}"
        )


if __name__ == "__main__":
    main()
