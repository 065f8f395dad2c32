"""The semantic signal: static word embeddings that ship inside the `wordllama` wheel.

WordLlama's l2_supercat_256 model (token embeddings distilled from a large language model,
averaged over a text) is a file inside the installed package, and so is its tokenizer; it is
loaded from there with downloads switched off, so nothing is ever fetched at run time. It helps
most in English; in Arabic and Persian it neither helps nor hurts much (see bench/kb_eval.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)
DIMENSIONS = 256
_lock = threading.Lock()
_model: Any = None
_failed = False


def _load() -> Any:
    global _model, _failed
    if _model is not None or _failed:
        return _model
    with _lock:
        if _model is None and not _failed:
            try:
                import wordllama

                # The package keeps its tokenizer in its own `tokenizers/` folder, which its
                # loader finds when that folder's parent is given as the cache.
                _model = wordllama.WordLlama.load(
                    config="l2_supercat",
                    dim=DIMENSIONS,
                    cache_dir=Path(wordllama.__file__).parent,
                    disable_download=True,
                )
            except Exception:  # a broken install must not break matching: lexical only then
                logger.exception("wordllama could not be loaded; FAQ matching goes on without it")
                _failed = True
    return _model


def available() -> bool:
    return _load() is not None


def embed(texts: Sequence[str]) -> np.ndarray | None:
    """Unit vectors (len(texts) × 256, float32) for `texts`, or None without the model."""
    model = _load()
    if model is None:
        return None
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    with np.errstate(invalid="ignore", divide="ignore"):  # an empty text has a zero vector
        vectors = np.asarray(model.embed(list(texts), norm=True), dtype=np.float32)
    return np.nan_to_num(vectors)
