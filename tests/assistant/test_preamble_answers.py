"""Text before the first number is policy too: a question about it is answered from the preamble."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import Settings

pytestmark = pytest.mark.slow

CODE = (
    "Everyone must read this code before starting work. It applies to volunteers too.\n\n"
    "1. Dress\nStaff must wear smart clothes and their lanyard at all times.\n\n"
    "2. Phones\nStaff must keep personal phones out of sight during lessons.\n"
)


def test_does_this_apply_to_volunteers_is_answered_from_the_opening_paragraph(tmp_path: Path, real_embeddings) -> None:
    from assistant.assistant import Assistant
    from assistant.runtime import open_index
    from ingest.pipeline import ingest_policy, parse_file

    path = tmp_path / "staff-code.txt"
    path.write_text(CODE, encoding="utf-8")
    settings = Settings(home=tmp_path / "home")
    index, embeddings = open_index(settings, real_embeddings)
    ingest_policy(parse_file(path, settings), index, embeddings, settings)
    answer = Assistant(settings, embeddings=real_embeddings).ask("does this apply to volunteers?")
    assert answer.verdict != "not_covered"
    assert answer.citations and answer.citations[0].paragraph == "preamble"
    assert "volunteers" in answer.citations[0].quote
