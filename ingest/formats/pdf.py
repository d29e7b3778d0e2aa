"""PDF to normalised policy text with pypdfium2: page furniture set aside, wrapped lines and hyphenation joined.

A PDF has lines, not paragraphs. Running headers and footers (the same line, digits aside, at the top or
bottom of most pages) and page numbers are set aside; a line that fills the page width and does not end a
sentence continues on the next line (across a page break too), and a word hyphenated across that break is
joined. What remains is one block per paragraph or heading, as the other readers produce.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from core.types import SetAside

_PAGE_NUMBER = re.compile(r"^(?:page\s+)?[-–(]?\s*\d{1,4}\s*[-–)]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)
_ENDS_CLAUSE = re.compile(r"[.:;!?)\]”\"]$")
_STARTS_NEW = re.compile(r"^(?:[•●▪◦■□➢✓*–-]\s|\(?[a-zA-Z0-9]{1,4}[.)]\s|\d+(?:\.\d+)+\s|§)")
_LEADERS = re.compile(r"(?:\.{4,}|…{2,}|(?:\. ){3,})\s*\d{1,3}$")
_LOOSE_NUMBER = re.compile(r"^\d{1,3}(?: ?\. ?\d{1,3})*(?: ?\.)?(?=\s)")  # "5 .5 Staff" -> "5.5 Staff"
_EDGE_LINES = 2
_WRAP_SHARE = 0.8


class PdfTextError(ValueError):
    """The bytes are not a PDF pypdfium2 can open, or it needs a password."""

    def __init__(self, message: str, encrypted: bool = False) -> None:
        super().__init__(message)
        self.encrypted = encrypted


@dataclass(frozen=True)
class PdfText:
    text: str
    page_starts: tuple[int, ...]
    set_aside: tuple[SetAside, ...]


def pdf_to_text(data: bytes) -> PdfText:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise PdfTextError(str(exc), encrypted="password" in str(exc).lower()) from exc
    try:
        pages = [_page_lines(document[index]) for index in range(len(document))]
    finally:
        document.close()
    set_aside: list[SetAside] = []
    pages = _drop_furniture(pages, set_aside)
    blocks_by_page = _join_lines(pages)
    parts: list[str] = []
    starts: list[int] = []
    offset = 0
    for blocks in blocks_by_page:
        starts.append(offset)
        if not blocks:
            continue
        chunk = "\n\n".join(blocks)
        parts.append(chunk)
        offset += len(chunk) + 2
    return PdfText(text="\n\n".join(parts), page_starts=tuple(starts), set_aside=tuple(set_aside))


def _page_lines(page: object) -> list[str]:
    """The page's lines in reading order (top to bottom, left to right), whatever order the file drew them in:
    Word, for one, draws a list's number apart from its text. PDFium's own line segments are kept whole and
    placed by their boxes, so no character is read twice."""
    textpage = page.get_textpage()  # type: ignore[attr-defined]
    try:
        raw = textpage.get_text_range()
        count = textpage.count_chars()
        boxes = [textpage.get_charbox(index) for index in range(count)] if len(raw) == count else []
    finally:
        textpage.close()
    if not boxes:  # characters outside the basic plane: keep the file's order
        parts = (" ".join(_clean_chars(part).split()) for part in re.split(r"\r\n|\r|\n", raw))
        return [line for line in parts if line]
    segments: list[tuple[float, float, float, float, str]] = []
    start = 0
    for index in range(count + 1):
        if index < count and raw[index] not in "\r\n":
            continue
        inked = [boxes[i] for i in range(start, index) if not raw[i].isspace()]
        if inked:
            segments.append(
                (
                    min(box[0] for box in inked),
                    min(box[1] for box in inked),
                    max(box[2] for box in inked),
                    max(box[3] for box in inked),
                    raw[start:index],
                )
            )
        start = index + 1
    return _reading_order(segments)


def _reading_order(segments: list[tuple[float, float, float, float, str]]) -> list[str]:
    lines: list[list[tuple[float, float, float, float, str]]] = []
    for segment in sorted(segments, key=lambda s: (-(s[1] + s[3]) / 2, s[0])):
        middle = (segment[1] + segment[3]) / 2
        for line in lines:
            if min(s[1] for s in line) <= middle <= max(s[3] for s in line):
                line.append(segment)
                break
        else:
            lines.append([segment])
    out: list[str] = []
    for line in sorted(lines, key=lambda ss: -max(s[3] for s in ss)):
        line.sort(key=lambda s: s[0])
        text = " ".join(_clean_chars(s[4]) for s in line)
        cleaned = _LOOSE_NUMBER.sub(lambda m: m.group(0).replace(" ", ""), " ".join(text.split()))
        if cleaned:
            out.append(cleaned)
    return out


def _clean_chars(text: str) -> str:
    """PDFium marks a word hyphenated at a line end with U+FFFE (or U+0002) and joins the lines itself:
    the word is whole again ("contrac-" + "tors" -> "contractors"); a marker before anything but a
    lower-case letter was a real hyphen."""
    text = re.sub(r"[\ufffe\x02]\s*(?=[a-z])", "", text)
    text = text.replace("\x02", "-\u00ad").replace("\ufffe", "-\u00ad").replace("\x00", "")
    return re.sub(r"[\r\n]+", " ", text)


def _edge_key(line: str) -> str:
    return re.sub(r"\d+", "#", line.lower())


def _drop_furniture(pages: list[list[str]], set_aside: list[SetAside]) -> list[list[str]]:
    """Set aside lines that repeat at the top or bottom of most pages, and bare page numbers there."""
    edge_counts: Counter[str] = Counter()
    for lines in pages:
        edges = {_edge_key(line) for line in lines[:_EDGE_LINES] + lines[-_EDGE_LINES:]}
        edge_counts.update(edges)
    threshold = max(2, round(0.4 * len(pages)))
    repeated = {key for key, count in edge_counts.items() if count >= threshold} if len(pages) >= 3 else set()
    cleaned: list[list[str]] = []
    for lines in pages:
        keep: list[str | None] = list(lines)
        for position in _edge_positions(len(keep)):
            line = keep[position]
            if line is None:
                continue
            if _PAGE_NUMBER.match(line):
                set_aside.append(SetAside("page number", line))
                keep[position] = None
            elif _edge_key(line) in repeated and not _STARTS_NEW.match(line):  # "2.1 ..." is content
                set_aside.append(SetAside("running header or footer", line))
                keep[position] = None
        cleaned.append([line for line in keep if line is not None])
    return cleaned


def _edge_positions(count: int) -> list[int]:
    top = list(range(min(_EDGE_LINES, count)))
    bottom = list(range(max(count - _EDGE_LINES, 0), count))
    return sorted(set(top + bottom))


def _join_lines(pages: list[list[str]]) -> list[list[str]]:
    """One block per paragraph: a full-width line that does not end a clause continues on the next."""
    widths = sorted(len(line) for lines in pages for line in lines)
    full = widths[int(0.9 * (len(widths) - 1))] if widths else 0
    out: list[list[str]] = []
    carry = ""
    last = ""
    for lines in pages:
        blocks: list[str] = []
        for line in lines:
            if carry and _continues(last, full) and not _STARTS_NEW.match(line):
                carry = _join(carry, line)
            else:
                if carry:
                    blocks.append(_tidy(carry))
                carry = line
            last = line
        if carry and not _continues(last, full):
            blocks.append(_tidy(carry))
            carry = ""
        out.append(blocks)
    if carry:
        out[-1].append(_tidy(carry))
    return out


def _continues(line: str, full: int) -> bool:
    if _LEADERS.search(line):  # a contents entry: "4 Handling Research Data ........ 2"
        return False
    if line.endswith("-\u00ad") or (line.endswith("-") and len(line) > 1 and line[-2].isalpha()):
        return True
    return full > 0 and len(line) >= _WRAP_SHARE * full and not _ENDS_CLAUSE.search(line)


def _join(previous: str, line: str) -> str:
    if previous.endswith("-\u00ad"):
        return previous[:-2] + line
    if previous.endswith("-") and len(previous) > 1 and previous[-2].isalpha() and line[:1].islower():
        return previous[:-1] + line
    return previous + " " + line


def _tidy(text: str) -> str:
    return text.replace("-\u00ad", "-").replace("\u00ad", "")
