"""Staff vocabulary -> policy vocabulary, from the one data file `assistant/data/vocabulary.json`."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from core.text import STOPWORDS, words


@dataclass(frozen=True)
class Vocabulary:
    """Phrase -> canonical terms; longest phrases match first."""

    phrases: tuple[tuple[tuple[str, ...], str], ...]
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    broader: dict[str, str] = field(default_factory=dict)

    def canonical_terms(self, text: str) -> list[str]:
        """Canonical terms whose everyday forms (or themselves) occur in `text`, in order of appearance."""
        tokens = [re.sub(r"^(\d+)s$", r"\1", token) for token in words(text.replace("-", " "))]  # "Year 8s"
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

    def with_canonical_terms(self, text: str) -> str:
        """`text` followed by the canonical terms its staff words stand for and it does not already say:
        "Can I email pupils from my Gmail? (personal email)"."""
        lowered = text.lower()
        extra = [term for term in self.canonical_terms(text) if term not in lowered]
        return f"{text} ({', '.join(extra)})" if extra else text

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

    def expand(self, text: str, policy_words: set[str] | None = None) -> str:
        """The text followed by the terms it implies: each group's key and, when `policy_words` is given,
        every member of the group that the policy itself uses (for embedding and BM25)."""
        extra: list[str] = []
        lowered = text.lower()
        terms = self.canonical_terms(text)
        terms += [self.broader[term] for term in terms if term in self.broader and self.broader[term] not in terms]
        for term in terms:
            for form in (term, *self._policy_forms(term, policy_words)):
                if form not in lowered and form not in extra:
                    extra.append(form)
        return f"{text} ({', '.join(extra)})" if extra else text

    def _policy_forms(self, term: str, policy_words: set[str] | None) -> list[str]:
        """Members of the group the policy uses, only when the group's own key is not the policy's word."""
        if not policy_words or all(word in policy_words for word in words(term.replace("-", " "))):
            return []
        forms = []
        for form in self.groups.get(term, ()):
            parts = words(form.replace("-", " "))
            if parts and all(part in policy_words for part in parts):
                forms.append(form)
        return forms[:2]


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
    groups = {canonical: tuple(form.lower() for form in forms) for canonical, forms in synonyms.items()}
    broader = {term: kind for term, kind in json.loads(raw).get("broader", {}).items() if not term.startswith("_")}
    return Vocabulary(phrases=tuple(pairs), groups=groups, broader=broader)
