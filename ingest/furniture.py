"""Find the contents list: its entries name sections, so read as body they would become false paragraphs.

A contents list is the run of short entries after a "Contents" title (ending where an entry appears a second
time, as the body starts, or at the first line of prose), or any run of three or more lines that
end in page numbers after dot leaders or a tab.
"""

from __future__ import annotations

import re

_TITLE = re.compile(r"^(?:table of contents|contents(?: page)?|index|in this (?:policy|document))\s*:?$", re.I)
_PAGE_TAIL = re.compile(r"(?:\.{3,}|…+|\t|\s{2,}|\s)\s*\d{1,3}\s*$")
_LEADER_TAIL = re.compile(r"(?:\.{3,}|…+|\t)\s*\d{1,3}\s*$")
_HEADING = re.compile(r"^#{1,6}\s+")
_BULLET = re.compile(r"^(?:[-*•●▪◦–]|\u2022)\s+")
_MAX_ENTRY_WORDS = 14


def find_contents(lines: list[str]) -> set[int]:
    """Indices of `lines` that belong to a contents list."""
    found: set[int] = set()
    for index, line in enumerate(lines):
        if _TITLE.match(_HEADING.sub("", line.strip())):
            found.add(index)
            found |= _entries_after(lines, index + 1)
    found |= _leader_runs(lines)
    return found


def entry_key(line: str) -> str:
    """An entry without its page number, leaders, bullet or heading marks, for matching against the body."""
    text = _BULLET.sub("", _HEADING.sub("", line.strip()))
    text = re.sub(r"(?:\.{3,}|…+)\s*\d{1,3}\s*$", "", text)
    text = re.sub(r"(?:\t|\s)\s*\d{1,3}\s*$", "", text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def _entries_after(lines: list[str], start: int) -> set[int]:
    entries: set[int] = set()
    keys: set[str] = set()
    for index in range(start, len(lines)):
        raw = lines[index]
        stripped = raw.strip()
        if not stripped:
            continue
        key = entry_key(raw)
        if key in keys or not _is_entry(raw, stripped):  # an entry seen again: the body has begun
            break
        keys.add(key)
        entries.add(index)
    return entries


def _is_entry(raw: str, stripped: str) -> bool:
    if _PAGE_TAIL.search(raw) and re.search(r"[A-Za-z]", stripped):
        return len(stripped.split()) <= 2 * _MAX_ENTRY_WORDS and not re.search(r"[a-z]{2}[.;!?] +\S", stripped)
    if _HEADING.match(stripped):
        return False
    if stripped.startswith("(") and stripped.endswith(")"):
        return True
    words = stripped.split()
    return len(words) <= _MAX_ENTRY_WORDS and not stripped.rstrip().endswith((".", ";", ":", "?", "!"))


def _leader_runs(lines: list[str]) -> set[int]:
    found: set[int] = set()
    run: list[int] = []
    for index, line in enumerate([*lines, ""]):
        if not line.strip():
            continue
        if _LEADER_TAIL.search(line) and re.search(r"[A-Za-z]", line):
            run.append(index)
            continue
        if len(run) >= 3:
            found.update(run)
        run = []
    return found
