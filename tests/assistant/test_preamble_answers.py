"""Text before the first number, or a policy with no numbers at all, is policy too: a question about its
opening paragraph is answered from it (cited `preamble`, or `p1` in a plain policy)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import Settings

pytestmark = pytest.mark.slow

OPENING = "Everyone must read this code before starting work. It applies to volunteers too."
NUMBERED = (
    f"{OPENING}\n\n1. Dress\nStaff must wear smart clothes and their lanyard at all times.\n\n"
    "2. Phones\nStaff must keep personal phones out of sight during lessons.\n"
)
PLAIN = (
    f"{OPENING}\n\nStaff must wear smart clothes and their lanyard at all times.\n\n"
    "Staff must keep personal phones out of sight during lessons.\n"
)


@pytest.mark.parametrize(("text", "opening_id"), [(NUMBERED, "preamble"), (PLAIN, "p1")], ids=["numbered", "plain"])
def test_does_this_apply_to_volunteers_is_answered_from_the_opening_paragraph(
    tmp_path: Path, real_embeddings, text: str, opening_id: str
) -> None:
    from assistant.assistant import Assistant
    from assistant.runtime import open_index
    from ingest.pipeline import ingest_policy, parse_file

    path = tmp_path / "staff-code.txt"
    path.write_text(text, encoding="utf-8")
    settings = Settings(home=tmp_path / "home")
    index, embeddings = open_index(settings, real_embeddings)
    ingest_policy(parse_file(path, settings), index, embeddings, settings)
    answer = Assistant(settings, embeddings=real_embeddings).ask("does this apply to volunteers?")
    assert answer.verdict != "not_covered"
    assert answer.citations and answer.citations[0].paragraph == opening_id
    assert "volunteers" in answer.citations[0].quote
