"""Checks on the question before any retrieval: one plain sentence for each kind of unusable input."""

from __future__ import annotations

import re

from core.errors import InputError
from core.text import STOPWORDS, words

MAX_QUESTION_CHARS = 2000
_INJECTION = re.compile(
    r"(?:ignore|disregard|forget)\s+(?:all\s+|any\s+|your\s+|the\s+|previous\s+|prior\s+|above\s+)*"
    r"(?:instructions?|rules?|prompts?|guidelines?)[^.?!:]*[.?!:]?"
    r"|\b(?:system override|system prompt|hidden prompt|developer mode|jailbreak)\b[^.?!]*[.?!]?"
    r"|\b(?:pretend|act as if|imagine that)\b[^.?!]*[.?!]?"
    r"|\bjust (?:answer|say) (?:yes|no)[^.?!:]*[.?!:]?",
    re.IGNORECASE,
)


def check_question(question: str) -> str:
    """Return the question tidied, or raise InputError saying what to fix."""
    text = (question or "").strip()
    if not text:
        raise InputError("Please type a question about the policy.")
    if len(text) > MAX_QUESTION_CHARS:
        raise InputError(
            f"That question is {len(text):,} characters long; keep it under {MAX_QUESTION_CHARS:,} "
            "and ask about one situation at a time."
        )
    tokens = words(text)
    if not tokens or not any(ch.isalpha() for ch in text):
        raise InputError("That has no words in it: please ask your question in words.")
    if not _looks_english(text, tokens):
        raise InputError("PolicyQA answers questions in English: please ask your question in English.")
    return re.sub(r"\s+", " ", text)


def strip_injection(question: str) -> tuple[str, bool]:
    """Remove instructions aimed at the assistant; the policy question that remains is answered."""
    cleaned = _INJECTION.sub(" ", question)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .,:;-")
    return cleaned, cleaned != question.strip(" .,:;-")


def _looks_english(text: str, tokens: list[str]) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    if letters and sum(1 for ch in letters if ch.isascii()) / len(letters) < 0.7:
        return False
    if len(tokens) < 4:
        return True
    return any(token in STOPWORDS for token in tokens)
