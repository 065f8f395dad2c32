"""The FAQ-matching engine: an in-memory index over one store's customer-facing articles.

No Django here: the engine takes plain `Doc`s and answers `Hit`s, so the evaluation, the tests
and the service all run the very same code. Every method sits behind the `Matcher` protocol so
another one (an embedding model, say) can replace it without touching the callers.

`HybridMatcher`, the product's method, adds up three signals, each from 0 to 1:

- **BM25** over words that went through `core.text.normalise` and a light stemmer (Snowball's
  Arabic, Persian and English stemmers, picked per word by its script), with the title counted
  twice; divided by the best score the query could reach, so it is a fraction, not a raw sum;
- **character n-grams** (3- and 4-grams inside words, TF-IDF, cosine) over the whole article:
  dialect spellings and typos share most of their n-grams with the standard word;
- **the best single phrasing**: an FAQ's title, each line of its body and every question agents
  answered with it (learned phrasings) are matched one by one (words and n-grams together), so
  a customer's question that is close to *one* known phrasing scores high even when the
  article as a whole is long.

The weighted sum is the score (0 to 1). The weights were tuned on the tuning files of
bench/kb_data.py only; a threshold of 0.5 keeps most right first answers and drops most wrong
ones on those files (see the report of bench/kb_eval.py).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

import numpy as np
import snowballstemmer

from dukkan.answers import semantic
from dukkan.core.text import normalise

_WORD = re.compile(r"\w+", re.UNICODE)
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
SEMANTIC_FLOOR = 0.3
MAX_QUERY_CHARS = 1000  # a longer question is matched on its first 1,000 characters


@dataclass(frozen=True)
class Doc:
    """One article as the engine sees it; `phrasings` are extra questions it answers."""

    id: int
    language: str
    title: str
    body: str = ""
    phrasings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    doc_id: int
    score: float
    method: str


class Matcher(Protocol):
    name: str

    def search(self, text: str, *, language: str | None = None, limit: int = 3) -> list[Hit]: ...


_STEMMERS = {name: snowballstemmer.stemmer(name) for name in ("arabic", "persian", "english")}


@lru_cache(maxsize=200_000)
def stem(word: str, persian: bool = False) -> str:
    """A light stem of one (already normalised) word, by its script."""
    if word.isdigit() or len(word) <= 2:
        return word
    if _ARABIC_SCRIPT.search(word):
        return _STEMMERS["persian" if persian else "arabic"].stemWord(word) or word
    if word.isascii():
        return _STEMMERS["english"].stemWord(word) or word
    return word


@dataclass(frozen=True)
class Analyzer:
    """Turns text into the terms the index keeps: stemmed words and character n-grams."""

    normalised: bool = True

    def prepare(self, text: str) -> str:
        text = text[: MAX_QUERY_CHARS * 20]
        return normalise(text) if self.normalised else text

    def words(self, prepared: str) -> list[str]:
        raw = [w for w in _WORD.findall(prepared) if w not in _STOPWORDS]
        # Persian text gets the Persian stemmer (its suffixes differ).
        persian = _looks_persian(prepared)
        return [stem(word, persian) for word in raw if not word.isdigit() or len(word) < 8]

    def grams(self, prepared: str) -> list[str]:
        grams: list[str] = []
        for word in _WORD.findall(prepared):
            if word in _STOPWORDS:
                continue
            padded = f" {word} "
            for n in (3, 4):
                if len(padded) >= n:
                    grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
        return grams


# Question and function words: in a store with a handful of FAQ entries their IDF is high by
# chance ("هل" in one title of nine), so a question would match on them alone.
_STOPWORDS = frozenset(
    normalise(w)
    for w in [
        "هل",
        "ما",
        "ماذا",
        "كيف",
        "لماذا",
        "متى",
        "أين",
        "اين",
        "من",
        "في",
        "على",
        "عن",
        "إلى",
        "الى",
        "مع",
        "هذا",
        "هذه",
        "ذلك",
        "التي",
        "الذي",
        "أن",
        "إن",
        "او",
        "أو",
        "و",
        "يا",
        "لا",
        "لم",
        "لن",
        "قد",
        "كان",
        "هو",
        "هي",
        "انا",
        "أنا",
        "انت",
        "نحن",
        "هم",
        "عند",
        "عندكم",
        "لي",
        "لك",
        "ممكن",
        "بدي",
        "اريد",
        "أريد",
        "آیا",
        "چه",
        "چرا",
        "چطور",
        "چطوری",
        "چگونه",
        "کجا",
        "کی",
        "که",
        "از",
        "به",
        "با",
        "در",
        "برای",
        "این",
        "آن",
        "را",
        "و",
        "یا",
        "هم",
        "تا",
        "است",
        "هست",
        "من",
        "تو",
        "ما",
        "شما",
        "او",
        "می",
        "میخواهم",
        "میخوام",
        "a",
        "an",
        "the",
        "is",
        "are",
        "am",
        "was",
        "were",
        "be",
        "do",
        "does",
        "did",
        "i",
        "you",
        "we",
        "they",
        "he",
        "she",
        "it",
        "my",
        "your",
        "our",
        "me",
        "us",
        "what",
        "how",
        "why",
        "when",
        "where",
        "who",
        "which",
        "can",
        "could",
        "would",
        "should",
        "will",
        "to",
        "of",
        "in",
        "on",
        "for",
        "with",
        "and",
        "or",
        "not",
        "no",
        "please",
        "hi",
        "hello",
        "there",
        "this",
        "that",
        "there's",
        "i'm",
        "it's",
    ]
)

_PERSIAN_WORDS = frozenset(
    normalise(w)
    for w in ["است", "می\u200c", "شود", "کنم", "چگونه", "چطور", "چه", "آیا", "های", "را", "برای"]
)


def _looks_persian(prepared: str) -> bool:
    """After normalisation Persian letters are folded away; tell Persian by its common words."""
    if any(ch in "پچژگکی" for ch in prepared):
        return True
    return any(word in _PERSIAN_WORDS for word in prepared.split())


class _Postings:
    """An inverted index from term to (unit indices, weights), read with numpy."""

    def __init__(self, rows: Sequence[dict[str, float]]) -> None:
        lists: dict[str, tuple[list[int], list[float]]] = {}
        for unit, weights in enumerate(rows):
            for term, weight in weights.items():
                ids, values = lists.setdefault(term, ([], []))
                ids.append(unit)
                values.append(weight)
        self.size = len(rows)
        self.terms = {
            term: (np.asarray(ids, dtype=np.int32), np.asarray(values, dtype=np.float32))
            for term, (ids, values) in lists.items()
        }

    def df(self, term: str) -> int:
        entry = self.terms.get(term)
        return 0 if entry is None else len(entry[0])

    def dot(self, query: dict[str, float]) -> np.ndarray:
        scores = np.zeros(self.size, dtype=np.float32)
        for term, weight in query.items():
            entry = self.terms.get(term)
            if entry is not None:
                scores[entry[0]] += weight * entry[1]
        return scores


def _idf(df: int, n: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def _tfidf(counts: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    weights = {t: (1 + math.log(c)) * idf[t] for t, c in counts.items() if t in idf}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {t: w / norm for t, w in weights.items()}


@dataclass
class Weights:
    bm25: float = 0.3
    grams: float = 0.3
    phrasing: float = 0.35
    phrasing_words: float = 0.5  # within the phrasing signal: words vs n-grams
    semantic: float = 0.4  # word embeddings (see answers.semantic); 0 switches them off

    def total(self, semantic: bool) -> float:
        return self.bm25 + self.grams + self.phrasing + (self.semantic if semantic else 0.0)


@dataclass
class HybridMatcher:
    """The product's method (see the module's doc string)."""

    docs: Sequence[Doc]
    analyzer: Analyzer = field(default_factory=Analyzer)
    weights: Weights = field(default_factory=Weights)
    name: str = "dukkan"
    k1: float = 1.2
    b: float = 0.75

    def __post_init__(self) -> None:
        self._ids = np.asarray([d.id for d in self.docs], dtype=np.int64)
        self._languages = np.asarray([d.language for d in self.docs])
        self._language_set = set(self._languages.tolist())
        n = max(len(self.docs), 1)
        a = self.analyzer
        # Whole-article units: BM25 words and n-gram TF-IDF.
        doc_words: list[Counter[str]] = []
        doc_grams: list[Counter[str]] = []
        phrasing_texts: list[tuple[int, str]] = []
        for index, doc in enumerate(self.docs):
            title, body = a.prepare(doc.title), a.prepare(doc.body)
            extra = " ".join(a.prepare(p) for p in doc.phrasings)
            words = Counter(a.words(title)) + Counter(a.words(title)) + Counter(a.words(body))
            words.update(a.words(extra))
            doc_words.append(words)
            doc_grams.append(Counter(a.grams(f"{title} {body} {extra}")))
            for line in [doc.title, *doc.body.splitlines(), *doc.phrasings]:
                if line.strip():
                    phrasing_texts.append((index, a.prepare(line)))
        word_df = Counter(t for counts in doc_words for t in counts)
        self._word_idf = {t: _idf(df, n) for t, df in word_df.items()}
        lengths = np.asarray([sum(c.values()) for c in doc_words], dtype=np.float32)
        average = float(lengths.mean()) if len(lengths) else 1.0
        bm25_rows = []
        for counts, length in zip(doc_words, lengths, strict=True):
            norm = self.k1 * (1 - self.b + self.b * float(length) / (average or 1.0))
            bm25_rows.append(
                {t: self._word_idf[t] * c * (self.k1 + 1) / (c + norm) for t, c in counts.items()}
            )
        self._bm25 = _Postings(bm25_rows)
        gram_df = Counter(t for counts in doc_grams for t in counts)
        self._gram_idf = {t: _idf(df, n) for t, df in gram_df.items()}
        self._grams = _Postings([_tfidf(c, self._gram_idf) for c in doc_grams])
        # Phrasing units: one per title, body line and learned phrasing.
        self._unit_doc = np.asarray([i for i, _ in phrasing_texts], dtype=np.int32)
        unit_words = [Counter(a.words(text)) for _, text in phrasing_texts]
        unit_grams = [Counter(a.grams(text)) for _, text in phrasing_texts]
        units = max(len(phrasing_texts), 1)
        unit_word_df = Counter(t for c in unit_words for t in c)
        unit_gram_df = Counter(t for c in unit_grams for t in c)
        self._unit_word_idf = {t: _idf(df, units) for t, df in unit_word_df.items()}
        self._unit_gram_idf = {t: _idf(df, units) for t, df in unit_gram_df.items()}
        self._unit_words = _Postings([_tfidf(c, self._unit_word_idf) for c in unit_words])
        self._unit_grams = _Postings([_tfidf(c, self._unit_gram_idf) for c in unit_grams])
        self._vectors = None
        if self.weights.semantic > 0 and self.docs:
            self._vectors = semantic.embed(
                [" ".join([d.title, d.body, *d.phrasings])[:4000] for d in self.docs]
            )

    def __len__(self) -> int:
        return len(self.docs)

    def scores(self, text: str) -> np.ndarray:
        """Each article's score (0 to 1) for `text`, in the order of `docs`."""
        a, w = self.analyzer, self.weights
        prepared = a.prepare(text[:MAX_QUERY_CHARS])
        words = Counter(a.words(prepared))
        grams = Counter(a.grams(prepared))
        total = np.zeros(len(self.docs), dtype=np.float32)
        if not words or not len(self.docs):
            return total
        # BM25 as a fraction of the best a document could score for these words.
        query = {t: float(c) for t, c in words.items() if t in self._word_idf}
        best = sum(self._word_idf[t] * (self.k1 + 1) * c for t, c in query.items())
        if best > 0:
            total += w.bm25 * self._bm25.dot(query) / best
        total += w.grams * self._grams.dot(_tfidf(grams, self._gram_idf))
        unit = w.phrasing_words * self._unit_words.dot(_tfidf(words, self._unit_word_idf))
        unit += (1 - w.phrasing_words) * self._unit_grams.dot(_tfidf(grams, self._unit_gram_idf))
        best_unit = np.zeros(len(self.docs), dtype=np.float32)
        touched = np.nonzero(unit)[0]
        np.maximum.at(best_unit, self._unit_doc[touched], unit[touched])
        total += w.phrasing * best_unit
        if self._vectors is not None:
            query_vector = semantic.embed([text[:MAX_QUERY_CHARS]])
            if query_vector is not None:
                # Unrelated texts already share some direction: only similarity beyond
                # SEMANTIC_FLOOR counts, rescaled to 0..1.
                cosine = self._vectors @ query_vector[0]
                total += w.semantic * np.clip(
                    (cosine - SEMANTIC_FLOOR) / (1 - SEMANTIC_FLOOR), 0.0, 1.0
                )
        return np.clip(total / w.total(self._vectors is not None), 0.0, 1.0)

    def search(self, text: str, *, language: str | None = None, limit: int = 3) -> list[Hit]:
        scores = self.scores(text)
        if language and language in self._language_set:
            scores = np.where(self._languages == language, scores, 0.0)
        limit = max(0, min(limit, len(scores)))
        if not limit:
            return []
        top = np.argpartition(-scores, limit - 1)[:limit]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [
            Hit(int(self._ids[i]), round(float(scores[i]), 4), self.name)
            for i in top
            if scores[i] > 0
        ]


def build(docs: Iterable[Doc], *, normalised: bool = True) -> HybridMatcher:
    """The product's matcher over `docs` (`normalised=False`: the no-normalisation baseline)."""
    return HybridMatcher(
        list(docs),
        analyzer=Analyzer(normalised=normalised),
        name="dukkan" if normalised else "no_normalisation",
    )
