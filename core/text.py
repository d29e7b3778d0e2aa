"""Small text helpers shared by ingest (sentence vectors) and the assistant (sentence-level verdicts)."""

from __future__ import annotations

import re

_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "Mr.", "Mrs.", "Ms.", "Dr.", "No.", "para.", "approx.")
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(“‘])")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph; every line (bullet, table row) is its own unit, and `e.g.` does not split."""
    sentences: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        protected = line
        for index, abbreviation in enumerate(_ABBREVIATIONS):
            protected = protected.replace(abbreviation, f"\x00{index}\x00")
        for part in _SPLIT.split(protected):
            for index, abbreviation in enumerate(_ABBREVIATIONS):
                part = part.replace(f"\x00{index}\x00", abbreviation)
            part = part.strip()
            if len(part) > 1:
                sentences.append(part)
    return sentences


def words(text: str) -> list[str]:
    """Lower-case word tokens; a possessive `'s` is dropped so "Insta's" meets "insta"."""
    return [re.sub(r"'s$", "", word) for word in _WORD.findall(text.lower().replace("’", "'"))]


STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "i",
        "me",
        "my",
        "we",
        "our",
        "you",
        "your",
        "he",
        "she",
        "it",
        "its",
        "they",
        "them",
        "their",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "can",
        "could",
        "may",
        "might",
        "must",
        "shall",
        "should",
        "will",
        "would",
        "not",
        "no",
        "nor",
        "so",
        "than",
        "then",
        "too",
        "very",
        "just",
        "about",
        "into",
        "over",
        "under",
        "again",
        "also",
        "any",
        "all",
        "some",
        "such",
        "only",
        "own",
        "same",
        "other",
        "each",
        "both",
        "few",
        "more",
        "most",
        "up",
        "down",
        "out",
        "off",
        "have",
        "has",
        "had",
        "having",
        "im",
        "ive",
        "id",
        "dont",
        "doesnt",
        "didnt",
        "cant",
        "wont",
        "isnt",
        "arent",
        "wasnt",
        "okay",
        "ok",
        "yes",
        "please",
        "thanks",
        "get",
        "got",
        "go",
        "going",
        "really",
        "still",
        "even",
        "ever",
        "much",
        "many",
        "lot",
        "lots",
        "like",
        "want",
        "need",
        "know",
        "think",
    ]
)


def content_words(text: str) -> list[str]:
    return [word for word in words(text) if word not in STOPWORDS and len(word) > 1]
