"""Staff vocabulary -> policy vocabulary, from the one data file `assistant/data/vocabulary.json`."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from core.text import STOPWORDS, words


@dataclass(frozen=True)
class Vocabulary:
    """Phrase -> canonical terms; longest phrases match first."""

    phrases: tuple[tuple[tuple[str, ...], str], ...]

    def canonical_terms(self, text: str) -> list[str]:
        """Canonical terms whose everyday forms (or themselves) occur in `text`, in order of appearance."""
        tokens = words(text.replace("-", " "))
        found: list[str] = []
        position = 0
        while position < len(tokens):
            for phrase, canonical in self.phrases:
                if tuple(tokens[position : position + len(phrase)]) == phrase:
                    if canonical not in found:
                        found.append(canonical)
                    position += len(phrase) - 1
                    break
            position += 1
        return found

    def surface_form(self, text: str, canonical: str) -> str | None:
        """The words in `text` that map to `canonical` (e.g. "FB" for facebook), as they are written."""
        for phrase, term in self.phrases:
            if term != canonical:
                continue
            pattern = r"\b" + r"[\s-]+".join(re.escape(word) for word in phrase) + r"\b"
            match = re.search(pattern, text, flags=re.IGNORECASE)
            if match:
                return match.group(0)
        return None

    def expand(self, text: str) -> str:
        """The text followed by the canonical terms it implies (for embedding and BM25)."""
        extra = [term for term in self.canonical_terms(text) if term not in text.lower()]
        return f"{text} ({', '.join(extra)})" if extra else text


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    if path is None:
        raw = resources.files("assistant").joinpath("data/vocabulary.json").read_text(encoding="utf-8")
    else:
        raw = path.read_text(encoding="utf-8")
    return _build(raw)


@lru_cache(maxsize=4)
def _build(raw: str) -> Vocabulary:
    synonyms: dict[str, list[str]] = json.loads(raw)["synonyms"]
    pairs: list[tuple[tuple[str, ...], str]] = []
    for canonical, forms in synonyms.items():
        for form in [canonical, *forms]:
            phrase = tuple(words(re.sub(r"[-]", " ", form)))
            if phrase and not (len(phrase) == 1 and phrase[0] in STOPWORDS and form != canonical):
                pairs.append((phrase, canonical))
    pairs.sort(key=lambda pair: -len(pair[0]))
    return Vocabulary(phrases=tuple(pairs))
