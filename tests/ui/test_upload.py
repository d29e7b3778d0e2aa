from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import InputError, UnsupportedFormatError
from ui.upload import check_policy_id, read_upload, save_upload

MB = 1_048_576


def test_readable_text_is_accepted() -> None:
    document = read_upload(b"# Rules\n\n1. Staff must lock devices at all times.\n", "rules.md", MB)
    assert "lock devices" in document.text


@pytest.mark.parametrize(
    ("data", "name", "error", "words"),
    [
        (b"", "empty.txt", InputError, "is empty"),
        (b"x" * (MB + 1), "big.txt", InputError, "over the 1 MB limit"),
        (b"PK\x03\x04 not really a zip", "broken.docx", UnsupportedFormatError, "broken.docx"),
        (b"\x00\x01\x02binary", "data.txt", UnsupportedFormatError, "binary"),
        (b"hello", "notes.xlsx", UnsupportedFormatError, "not a format PolicyQA reads"),
        (b"hi", "short.txt", InputError, "no readable text"),
    ],
)
def test_bad_files_fail_with_one_sentence(data: bytes, name: str, error: type[Exception], words: str) -> None:
    with pytest.raises(error) as caught:
        read_upload(data, name, MB)
    message = str(caught.value)
    assert words in message
    assert "\n" not in message and message.endswith(".")


def test_policy_ids_and_saved_copy(tmp_path: Path) -> None:
    assert check_policy_id(" staff-code ") == "staff-code"
    with pytest.raises(InputError, match="cannot be a policy id"):
        check_policy_id("Staff Code!")
    saved = save_upload(tmp_path, "staff-code", "Staff Code.DOCX", b"data")
    assert saved == tmp_path / "ui" / "uploads" / "staff-code.docx"
    assert saved.read_bytes() == b"data"
