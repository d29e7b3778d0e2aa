"""Parse policy text into its own numbered paragraphs, each with its id exactly as printed.

Styles understood: decimal `1.2.3`; section headings `1.`, `3)`, `Section 3`, `## 3 Title`, roman `IV.`;
lettered items `(a)`/`a)` under a section (id `2(e)`); roman sub-items `(i)` kept with the item above;
`Appendix N` (id `appendix-n`); unnumbered text and bullets continue the paragraph above; a contents list
with page numbers is skipped. A document with no numbering at all falls back to its headings
(id = slug of the heading path).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from core.types import Paragraph, ParsedPolicy, SourceDocument

_BULLET = re.compile(r"^(?:[-*•●▪◦–]|\u2022)\s+")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_CONTENTS_TITLE = re.compile(r"^(table of )?contents:?$|^index$", re.IGNORECASE)
_DOT_LEADER_ENTRY = re.compile(r"(\.{4,}|…{2,}|\t)\s*\d{1,3}\s*$")
_DOT_LEADERS = re.compile(r"(\.{4,}|…{2,})\s*\d{1,3}\s*$")
_PAGE_NUMBER_TAIL = re.compile(r"\s{2,}\d{1,3}\s*$")
_APPENDIX = re.compile(r"^(?:appendix|annex|schedule)\s+([A-Za-z0-9]{1,3})\b\s*[:.\-–—]?\s*(.*)$", re.I)
_DECIMAL = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+(\S.*)$")
_SECTION_WORD = re.compile(r"^section\s+(\d{1,2}|[IVXLC]{1,6})\b\s*[:.)\-–—]?\s*(.*)$", re.I)
_SECTION_NUMBER = re.compile(r"^(\d{1,2})[.)]\s*(\S.*)$")
_SECTION_BARE = re.compile(r"^(\d{1,2})\s+(\S.*)$")
_SECTION_ROMAN = re.compile(r"^([IVXLC]{1,6})[.)]\s+(\S.*)$")
_ITEM = re.compile(r"^(?:\(([a-z]{1,4})\)|([a-z]{1,4})\))\s+(\S.*)$")
_ROMAN_ITEM = re.compile(r"^(?:i|ii|iii|iv|v|vi|vii|viii|ix|x|xi|xii)$")
_HEADING_MAX_WORDS = 12
PARSER_VERSION = "2"
"""Bump when parsing or contact extraction changes: indexed policies are then re-parsed on the next ingest."""


@dataclass
class _Open:
    """A paragraph being built."""

    id: str
    heading_path: tuple[str, ...]
    start: int
    end: int
    lines: list[str] = field(default_factory=list)


@dataclass
class _Section:
    number: str
    title: str
    is_appendix: bool = False
    has_paragraph: bool = False
    last_letter: str = ""

    @property
    def label(self) -> str:
        return self.title if self.is_appendix else f"{self.number} {self.title}".strip()


@dataclass
class _State:
    section: _Section | None = None
    current: _Open | None = None
    in_contents: bool = False
    preamble: list[str] = field(default_factory=list)
    done: list[_Open] = field(default_factory=list)


def parse_policy(document: SourceDocument, policy_id: str) -> ParsedPolicy:
    """Split the document into citable paragraphs; pure text work, no I/O."""
    text = document.text
    state = _State()
    numbered = _parse_numbered(text, state)
    if not numbered:
        numbered = _parse_headings(text)
    paragraphs = tuple(
        Paragraph(
            id=item.id,
            heading_path=item.heading_path,
            text=_clean_text(item.lines),
            span=(item.start, item.end),
            page=document.page_at(item.start),
        )
        for item in _unique_ids(numbered)
    )
    from ingest.contacts import extract_contacts

    return ParsedPolicy(
        policy_id=policy_id,
        title=_title(text, state.preamble),
        source_path=document.path,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        paragraphs=paragraphs,
        contacts=extract_contacts(paragraphs),
    )


def _lines_with_offsets(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    offset = 0
    for line in text.split("\n"):
        out.append((offset, line))
        offset += len(line) + 1
    return out


def _is_contents_entry(raw: str, stripped: str) -> bool:
    if _DOT_LEADER_ENTRY.search(raw) or _PAGE_NUMBER_TAIL.search(raw):
        return True
    if "\t" in raw.strip("\n"):
        return True
    return stripped.startswith("(") and stripped.endswith(")")


def _parse_numbered(text: str, state: _State) -> list[_Open]:
    for offset, raw in _lines_with_offsets(text):
        stripped = raw.strip()
        if not stripped:
            continue
        if _CONTENTS_TITLE.match(stripped.lstrip("#").strip()):
            state.in_contents = True
            continue
        if state.in_contents:
            if _is_contents_entry(raw, stripped):
                continue
            state.in_contents = False
        if _DOT_LEADERS.search(raw):
            continue
        _consume_line(state, offset, raw, stripped)
    _close(state)
    return state.done if any(_is_structured(item.id) for item in state.done) else []


def _is_structured(paragraph_id: str) -> bool:
    return bool(re.match(r"^(\d|appendix-|[IVXLC]+$)", paragraph_id))


def _consume_line(state: _State, offset: int, raw: str, stripped: str) -> None:
    end = offset + len(raw.rstrip())
    heading = _MD_HEADING.match(stripped)
    is_md_heading = heading is not None
    body = heading.group(2) if heading else stripped
    bullet = _BULLET.match(body)
    body_wo_bullet = body[bullet.end() :] if bullet else body
    in_appendix = state.section is not None and state.section.is_appendix

    appendix = _APPENDIX.match(body_wo_bullet)
    if appendix and (is_md_heading or _short(appendix.group(2)) or not appendix.group(2)):
        _close(state)
        number = appendix.group(1)
        state.section = _Section(number=number, title=_tidy_inline(body_wo_bullet), is_appendix=True)
        _open(state, f"appendix-{number.lower()}", (state.section.label,), offset, end, [])
        state.section.has_paragraph = True
        return

    if not in_appendix:
        decimal = _DECIMAL.match(body_wo_bullet)
        if decimal and _decimal_fits(state, decimal.group(1)):
            number, rest = decimal.group(1), decimal.group(2)
            major = number.split(".")[0]
            if state.section is None or state.section.number != major:
                state.section = _Section(number=major, title="")
            _close(state)
            _open(state, number, _decimal_heading_path(state, number), offset, end, [rest])
            state.section.has_paragraph = True
            return

        section = _match_section(body_wo_bullet, is_md_heading)
        if section and _section_fits(state, section[0]):
            number, rest = section
            _close(state)
            if is_md_heading or (_short(rest) and not rest.rstrip().endswith((".", ";", ":"))):
                state.section = _Section(number=number, title=_tidy_inline(rest))
            else:
                state.section = _Section(number=number, title="")
                _open(state, number, (), offset, end, [rest])
                state.section.has_paragraph = True
            return

        item = _ITEM.match(body_wo_bullet)
        if item and state.section is not None and not _current_is_decimal(state):
            token = item.group(1) or item.group(2)
            rest = item.group(3)
            is_roman_sub = _ROMAN_ITEM.match(token) and not (
                len(token) == 1 and state.section.last_letter == chr(ord(token) - 1)
            )
            if not (is_roman_sub and state.current is not None and "(" in state.current.id) and (
                len(token) == 1 or is_roman_sub
            ):
                _close(state)
                if not is_roman_sub:
                    state.section.last_letter = token
                _open(state, f"{state.section.number}({token})", (state.section.label,), offset, end, [rest])
                state.section.has_paragraph = True
                return

    _continue(state, offset, end, body if not is_md_heading else body_wo_bullet, bullet is not None)


def _continue(state: _State, offset: int, end: int, body: str, is_bullet: bool) -> None:
    line = ("- " + _BULLET.sub("", body)) if is_bullet else body
    if state.current is not None:
        state.current.lines.append(line)
        state.current.end = end
        return
    if state.section is not None and not state.section.has_paragraph:
        _open(state, state.section.number, (state.section.label,), offset, end, [line])
        state.section.has_paragraph = True
        return
    if state.section is None:
        state.preamble.append(body)


def _open(state: _State, pid: str, path: tuple[str, ...], start: int, end: int, lines: list[str]) -> None:
    state.current = _Open(id=pid, heading_path=path, start=start, end=end, lines=lines)


def _close(state: _State) -> None:
    if state.current is not None:
        if not any(line.strip() for line in state.current.lines) and state.section is not None:
            state.current.lines = [state.section.title or state.current.id]
        state.done.append(state.current)
        state.current = None


def _current_is_decimal(state: _State) -> bool:
    return state.current is not None and "." in state.current.id and "(" not in state.current.id


def _decimal_fits(state: _State, number: str) -> bool:
    major = int(number.split(".")[0])
    if state.section is None:
        return True
    current = _section_value(state.section.number)
    return current is None or major >= current


def _match_section(body: str, is_md_heading: bool) -> tuple[str, str] | None:
    for pattern in (_SECTION_WORD, _SECTION_NUMBER, _SECTION_ROMAN):
        match = pattern.match(body)
        if match:
            return match.group(1), match.group(2)
    if is_md_heading:
        match = _SECTION_BARE.match(body)
        if match:
            return match.group(1), match.group(2)
    return None


def _section_fits(state: _State, number: str) -> bool:
    new = _section_value(number)
    if new is None:
        return False
    if state.section is None:
        return new <= 3
    current = _section_value(state.section.number)
    return current is None or current < new <= current + 3


def _section_value(number: str) -> int | None:
    if number.isdigit():
        return int(number)
    return _roman_to_int(number)


def _roman_to_int(token: str) -> int | None:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    if not token or any(ch not in values for ch in token):
        return None
    total = 0
    for index, ch in enumerate(token):
        value = values[ch]
        if index + 1 < len(token) and values[token[index + 1]] > value:
            total -= value
        else:
            total += value
    return total


def _decimal_heading_path(state: _State, number: str) -> tuple[str, ...]:
    path: list[str] = []
    if state.section is not None and state.section.title:
        path.append(state.section.label)
    elif state.section is not None:
        path.append(state.section.number)
    parts = number.split(".")
    for depth in range(2, len(parts)):
        path.append(".".join(parts[:depth]))
    return tuple(path)


def _short(text: str) -> bool:
    return len(text.split()) <= _HEADING_MAX_WORDS


def _tidy_inline(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\t", " ")).strip()


def _clean_text(lines: list[str]) -> str:
    cleaned = []
    for line in lines:
        line = re.sub(r"\t+", " | ", line.strip().strip("\t")) if "\t" in line else line.strip()
        cleaned.append(re.sub(r"[ ]{2,}", " ", line))
    return "\n".join(line for line in cleaned if line)


def _unique_ids(items: list[_Open]) -> list[_Open]:
    seen: dict[str, int] = {}
    for item in items:
        count = seen.get(item.id, 0) + 1
        seen[item.id] = count
        if count > 1:
            item.id = f"{item.id} ({count})"
    return items


def _title(text: str, preamble: list[str]) -> str:
    for line in text.split("\n"):
        heading = _MD_HEADING.match(line.strip())
        if heading and len(heading.group(1)) == 1:
            return _tidy_inline(heading.group(2))
    candidates = [_tidy_inline(line.lstrip("#")) for line in preamble if line.strip()]
    for line in candidates:
        if "policy" in line.lower() and len(line) < 120:
            return line
    return candidates[0] if candidates else ""


def _parse_headings(text: str) -> list[_Open]:
    """Fallback for documents with headings but no numbering: id = slug of the heading path."""
    stack: list[tuple[int, str]] = []
    items: list[_Open] = []
    current: _Open | None = None
    headings = [
        (offset, _MD_HEADING.match(raw.strip()))
        for offset, raw in _lines_with_offsets(text)
        if _MD_HEADING.match(raw.strip())
    ]
    top_level = [match for _, match in headings if match and len(match.group(1)) == 1]
    skip_title = len(top_level) == 1
    for offset, raw in _lines_with_offsets(text):
        stripped = raw.strip()
        if not stripped:
            continue
        heading = _MD_HEADING.match(stripped)
        if heading:
            level, title = len(heading.group(1)), _tidy_inline(heading.group(2))
            if current is not None:
                items.append(current)
                current = None
            if skip_title and level == 1:
                continue
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, title))
            path = tuple(name for _, name in stack)
            current = _Open(
                id="/".join(_slug(name) for name in path),
                heading_path=path,
                start=offset,
                end=offset + len(raw.rstrip()),
                lines=[],
            )
            continue
        if current is not None:
            bullet = _BULLET.match(stripped)
            current.lines.append(("- " + stripped[bullet.end() :]) if bullet else stripped)
            current.end = offset + len(raw.rstrip())
    if current is not None:
        items.append(current)
    for item in items:
        if not item.lines:
            item.lines = [item.heading_path[-1]]
    return items


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"
