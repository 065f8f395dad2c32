"""Grouping similar questions (the unanswered-questions report): n-gram TF-IDF + single link.

Questions are compared by the cosine of their character n-gram and word vectors (the FAQ
engine's analyzer, so spelling variants meet); two questions closer than `threshold` share a
group, and groups join through any such pair (union-find). A few hundred questions at most.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from dukkan.answers.engine import Analyzer


def _vectors(texts: Sequence[str]) -> np.ndarray:
    analyzer = Analyzer()
    bags = []
    for text in texts:
        prepared = analyzer.prepare(text[:1000])
        bags.append(
            Counter(analyzer.grams(prepared)) + Counter(f"w:{w}" for w in analyzer.words(prepared))
        )
    df = Counter(t for bag in bags for t in bag)
    vocabulary = {t: i for i, t in enumerate(df)}
    n = len(texts)
    matrix = np.zeros((n, len(vocabulary)), dtype=np.float32)
    for row, bag in enumerate(bags):
        for term, count in bag.items():
            weight = (1 + math.log(count)) * math.log(1 + n / df[term])
            # Whole (stemmed) words weigh more than the n-grams that only bridge spellings.
            matrix[row, vocabulary[term]] = weight * (WORD_WEIGHT if term.startswith("w:") else 1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


WORD_WEIGHT = 3.0


def group(texts: Sequence[str], threshold: float = 0.2) -> list[list[int]]:
    """Indices of `texts` in groups of similar ones (each group in input order)."""
    if not texts:
        return []
    vectors = _vectors(texts)
    similar = vectors @ vectors.T
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    rows, cols = np.nonzero(np.triu(similar >= threshold, k=1))
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(texts)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())
