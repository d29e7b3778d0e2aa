from __future__ import annotations

import itertools

from core.types import Paragraph
from ingest.chunker import approximate_tokens, chunk_paragraphs


def _paragraph(pid: str, words: int) -> Paragraph:
    text = " ".join(f"word{i}" for i in range(words))
    return Paragraph(id=pid, heading_path=("7 Social media", "7.4"), text=text, span=(0, len(text)))


def test_one_chunk_per_short_paragraph_with_heading_context() -> None:
    chunks = chunk_paragraphs("pol", [_paragraph("7.4.2", 20)])
    assert len(chunks) == 1
    assert chunks[0].embed_text.startswith("7.4.2 7 Social media > 7.4\n")
    assert chunks[0].paragraph_id == "7.4.2" and chunks[0].window == 0


def test_long_paragraph_becomes_overlapping_windows_that_fit_and_keep_the_id() -> None:
    chunks = chunk_paragraphs("pol", [_paragraph("4.5", 600)], max_tokens=240, overlap_tokens=48)
    assert len(chunks) >= 3
    assert {c.paragraph_id for c in chunks} == {"4.5"}
    assert [c.window for c in chunks] == list(range(len(chunks)))
    assert all(approximate_tokens(c.embed_text) <= 240 for c in chunks)
    for first, second in itertools.pairwise(chunks):
        assert set(first.text.split()) & set(second.text.split()), "windows must overlap"
    assert "word0" in chunks[0].text and "word599" in chunks[-1].text


def test_chunk_ids_are_deterministic_and_change_with_content() -> None:
    a = chunk_paragraphs("pol", [_paragraph("1.1", 10)])
    b = chunk_paragraphs("pol", [_paragraph("1.1", 10)])
    c = chunk_paragraphs("pol", [_paragraph("1.1", 11)])
    assert a[0].id == b[0].id
    assert a[0].id != c[0].id
    assert a[0].id.startswith("pol:1.1:0:")
