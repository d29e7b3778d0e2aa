"""One chunk per paragraph; a paragraph longer than the model reads becomes overlapping windows.

Every window keeps its paragraph's id, and the embedded text starts with the heading path so a short
paragraph ("7.5 Cyberbullying of staff is not acceptable.") still carries its section's meaning.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from core.types import Chunk, Paragraph

CHUNKER_VERSION = "paragraph-windows-1"
TokenCounter = Callable[[str], int]


def approximate_tokens(text: str) -> int:
    """A model-free upper estimate of word pieces (about 1.3 per word), for tests and previews."""
    return int(len(text.split()) * 1.3) + 2


def chunk_paragraphs(
    policy_id: str,
    paragraphs: Iterable[Paragraph],
    count_tokens: TokenCounter = approximate_tokens,
    max_tokens: int = 240,
    overlap_tokens: int = 48,
) -> list[Chunk]:
    chunks: list[Chunk] = []
    for paragraph in paragraphs:
        context = f"{paragraph.id} {paragraph.heading}".strip()
        budget = max(16, max_tokens - count_tokens(context))
        for window, text in enumerate(_windows(paragraph.text, count_tokens, budget, overlap_tokens)):
            embed_text = f"{context}\n{text}"
            chunks.append(
                Chunk(
                    id=chunk_id(policy_id, paragraph.id, window, embed_text),
                    policy_id=policy_id,
                    paragraph_id=paragraph.id,
                    window=window,
                    text=text,
                    embed_text=embed_text,
                )
            )
    return chunks


def chunk_id(policy_id: str, paragraph_id: str, window: int, embed_text: str) -> str:
    digest = hashlib.sha256(embed_text.encode("utf-8")).hexdigest()[:16]
    return f"{policy_id}:{paragraph_id}:{window}:{digest}"


def _windows(text: str, count_tokens: TokenCounter, budget: int, overlap: int) -> list[str]:
    if count_tokens(text) <= budget:
        return [text]
    words = text.split(" ")
    windows: list[str] = []
    start = 0
    while start < len(words):
        end = _fit(words, start, count_tokens, budget)
        windows.append(" ".join(words[start:end]))
        if end >= len(words):
            break
        back = end
        while back > start + 1 and count_tokens(" ".join(words[back - 1 : end])) <= overlap:
            back -= 1
        start = max(back, start + 1)
    return windows


def _fit(words: list[str], start: int, count_tokens: TokenCounter, budget: int) -> int:
    """The largest end such that words[start:end] fits the budget (binary search; at least one word)."""
    low, high = start + 1, len(words)
    while low < high:
        middle = (low + high + 1) // 2
        if count_tokens(" ".join(words[start:middle])) <= budget:
            low = middle
        else:
            high = middle - 1
    return low
