"""BM25 (bm25s) over a policy's paragraphs, with staff vocabulary mapped to the policy's words."""

from __future__ import annotations

import logging
import math
from collections.abc import Set as AbstractSet

import bm25s
import numpy as np

from core.text import STOPWORDS, words
from core.types import Paragraph

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG


def stem(word: str) -> str:
    """A light English suffix strip so `emails`/`emailed`/`emailing` meet `email`."""
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)] + keep
    return word


def lexical_tokens(text: str) -> list[str]:
    return [stem(word) for word in words(text.replace("-", " ")) if word not in STOPWORDS and len(word) > 1]


class LexicalIndex:
    """Scores every paragraph for a query; the heading path is indexed with the text."""

    def __init__(self, paragraphs: tuple[Paragraph, ...], k1: float = 1.5, b: float = 0.75) -> None:
        self.ids = [paragraph.id for paragraph in paragraphs]
        self._documents = [lexical_tokens(f"{p.heading} {p.text}") for p in paragraphs]
        self._token_sets = [set(tokens) for tokens in self._documents]
        self.vocabulary = set().union(*self._token_sets) if self._token_sets else set()
        count = max(1, len(self._token_sets))
        frequency: dict[str, int] = {}
        for token_set in self._token_sets:
            for token in token_set:
                frequency[token] = frequency.get(token, 0) + 1
        self._idf = {token: math.log(1.0 + count / df) for token, df in frequency.items()}
        self._bm25 = bm25s.BM25(k1=k1, b=b)
        self._bm25.index([tokens or ["\u2205"] for tokens in self._documents], show_progress=False)

    def scores(self, query: str) -> np.ndarray:
        tokens = [token for token in lexical_tokens(query) if token in self.vocabulary]
        if not tokens:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)

    def overlap(self, query: str) -> np.ndarray:
        """Share of the query's content words that each paragraph contains."""
        tokens = set(lexical_tokens(query))
        if not tokens:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray([len(tokens & doc) / len(tokens) for doc in self._token_sets], dtype=np.float32)

    def shared_weight(self, text: str, query_tokens: AbstractSet[str]) -> float:
        """Sum of idf over the query words `text` contains: rare shared words count most."""
        return sum(self._idf.get(token, 1.0) for token in set(lexical_tokens(text)) & query_tokens)
