"""JSON Lines reading shared by gold files and batch questions: each non-blank line, parsed or not."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def read_jsonl(path: Path) -> Iterator[tuple[int, Any, str | None]]:
    """Yield (line number, parsed value or None, error message or None) for every non-blank line."""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        try:
            yield number, json.loads(raw), None
        except json.JSONDecodeError as exc:
            yield number, None, exc.msg
