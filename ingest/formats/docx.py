"""Word (.docx) to normalised policy text with python-docx, with automatic numbering printed back in.

Body paragraphs, tables and content controls are read in order. A paragraph numbered by Word (directly
or through its style, e.g. numbered headings) gets the label the printed document shows (`1.2`, `(a)`).
Table-of-contents paragraphs are set aside as the contents list.
"""

from __future__ import annotations

import io
from typing import Any

from core.types import SetAside
from ingest.formats.numbering import WordNumbering

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_to_text(data: bytes) -> tuple[str, tuple[SetAside, ...]]:
    """Raises ValueError (or python-docx's own errors) on a file that is not a Word document."""
    import docx

    document = docx.Document(io.BytesIO(data))
    try:
        numbering_element = document.part.numbering_part.element
    except (NotImplementedError, KeyError, AttributeError):
        numbering_element = None
    reader = _Reader(document, WordNumbering.from_part(numbering_element))
    reader.read(document.element.body)
    return "\n\n".join(reader.blocks), tuple(reader.set_aside)


class _Reader:
    def __init__(self, document: Any, numbering: WordNumbering) -> None:
        self.styles = {style.style_id: style for style in document.styles}
        self.numbering = numbering
        self.blocks: list[str] = []
        self.set_aside: list[SetAside] = []

    def read(self, container: Any) -> None:
        for element in container.iterchildren():
            tag = element.tag
            if tag == f"{_W}p":
                self._paragraph(element)
            elif tag == f"{_W}tbl":
                self._table(element)
            elif tag == f"{_W}sdt":
                content = element.find(f"{_W}sdtContent")
                if content is not None:
                    self.read(content)

    def _paragraph(self, element: Any) -> None:
        text = _text_of(element)
        style_id = _style_id(element)
        style_name = self._style_name(style_id)
        label = self._label(element, style_id)
        if not text.strip():
            return
        text = " ".join(text.split())
        lowered = style_name.lower()
        if lowered.startswith(("toc", "contents", "table of contents")):
            self.set_aside.append(SetAside("contents", text))
            return
        if label and label != "- ":
            text = f"{label} {text}"
        level = _heading_level(lowered)
        if level:
            self.blocks.append("#" * level + " " + text)
        elif label == "- " or (label is None and "list bullet" in lowered):
            self.blocks.append("- " + text)
        else:
            self.blocks.append(text)

    def _table(self, element: Any) -> None:
        for row in element.iter(f"{_W}tr"):
            cells = []
            for cell in row.findall(f"{_W}tc"):
                cells.append(" ".join(_text_of(cell).split()))
            if any(cells):
                self.blocks.append("\t".join(cells))

    def _style_name(self, style_id: str | None) -> str:
        style = self.styles.get(style_id) if style_id else None
        return (style.name or "") if style is not None else ""

    def _label(self, element: Any, style_id: str | None) -> str | None:
        num_id, level = _num_pr(element)
        style = self.styles.get(style_id) if style_id else None
        while num_id is None and style is not None:
            num_id, style_level = _num_pr(style.element)
            level = level if level is not None else style_level
            style = style.base_style
        if num_id is None or num_id == "0":
            return None
        if level is None:
            level = self.numbering.level_of_style(num_id, style_id)
        return self.numbering.label(num_id, level)


def _heading_level(style_name: str) -> int:
    if style_name == "title":
        return 1
    if style_name.startswith("heading"):
        digits = "".join(ch for ch in style_name if ch.isdigit())
        return min(int(digits), 6) if digits else 1
    return 0


def _style_id(element: Any) -> str | None:
    style = element.find(f"{_W}pPr/{_W}pStyle")
    return style.get(f"{_W}val") if style is not None else None


def _num_pr(element: Any) -> tuple[str | None, int | None]:
    num_pr = element.find(f"{_W}pPr/{_W}numPr")
    if num_pr is None:
        return None, None
    num_id = num_pr.find(f"{_W}numId")
    ilvl = num_pr.find(f"{_W}ilvl")
    return (
        num_id.get(f"{_W}val") if num_id is not None else None,
        int(ilvl.get(f"{_W}val", "0")) if ilvl is not None else None,
    )


def _text_of(element: Any) -> str:
    parts: list[str] = []
    for node in element.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}p"):
        parts.append((node.text or "") if node.tag == f"{_W}t" else " ")  # tabs, breaks, a cell's paragraphs
    return "".join(parts)
