"""Turn a policy file (txt, md, docx, pdf, html) into plain text with headings and list items kept.

Headings become Markdown `#` lines and list items `- ` lines, so one parser serves every format.
Every refusal is an UnsupportedFormatError/InputError with one sentence saying what to do.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path

from core.errors import InputError, UnsupportedFormatError
from core.types import SourceDocument

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".docx", ".pdf", ".html", ".htm")
_MIN_TEXT_CHARS = 20


def read_document(path: Path, max_bytes: int) -> SourceDocument:
    """Read `path` into a SourceDocument, refusing anything we cannot turn into policy text."""
    if not path.exists():
        raise InputError(f"No file at {path}: check the path and try again.")
    if path.is_dir():
        raise InputError(f"{path} is a folder: give a policy file (txt, md, docx, pdf or html).")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedFormatError(
            f"{path.name} is not a format PolicyQA reads: save it as .txt, .md, .docx, .pdf or .html."
        )
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{path.name} is empty: choose the file that holds the policy text.")
    if size > max_bytes:
        raise InputError(
            f"{path.name} is {size / 1_048_576:.1f} MB, over the {max_bytes / 1_048_576:.0f} MB limit: "
            "split the file or raise POLICYQA_MAX_FILE_MB."
        )
    data = path.read_bytes()
    document = read_bytes(data, suffix, str(path))
    if len(document.text.strip()) < _MIN_TEXT_CHARS:
        raise InputError(f"{path.name} holds no readable text: check it is the policy, not a blank page.")
    return document


def read_bytes(data: bytes, suffix: str, name: str) -> SourceDocument:
    """Dispatch on the suffix; used by the CLI (files) and the UI (uploads)."""
    reader = _READERS.get(suffix.lower())
    if reader is None:
        raise UnsupportedFormatError(
            f"{Path(name).name} is not a format PolicyQA reads: use .txt, .md, .docx, .pdf or .html."
        )
    return reader(data, name)


def _decode_text(data: bytes, name: str) -> str:
    bom_encoding = _bom_encoding(data)
    if bom_encoding is None and b"\x00" in data[:8192]:
        raise UnsupportedFormatError(
            f"{Path(name).name} looks like a binary file, not text: export the policy as .txt, .docx or .pdf."
        )
    for encoding in (bom_encoding,) if bom_encoding else ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding).lstrip("\ufeff").replace("\x00", "")
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text.replace("\r\n", "\n").replace("\r", "\n")
    raise UnsupportedFormatError(f"{Path(name).name} is not readable text: save it as UTF-8 text, .docx or .pdf.")


def _bom_encoding(data: bytes) -> str | None:
    """UTF-16 text (what Windows' "Unicode" save writes) starts with a byte-order mark."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return None


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    return controls / len(text) < 0.01


def _read_text(data: bytes, name: str) -> SourceDocument:
    return SourceDocument(path=name, text=underlined_headings(_decode_text(data, name)))


_UNDERLINE = re.compile(r"^(=+|-+|~+|\^+|\*+)$")


def underlined_headings(text: str) -> str:
    """Plain-text headings underlined with ===, ---, ~~~ (reStructuredText, setext) become `#` headings,
    level by the order the underline characters first appear."""
    lines = text.split("\n")
    levels: list[str] = []
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        underline = lines[index + 1].strip() if index + 1 < len(lines) else ""
        if line.strip() and _UNDERLINE.match(underline) and len(underline) >= max(3, len(line.strip()) // 2):
            if underline[0] not in levels:
                levels.append(underline[0])
            out.extend(["#" * min(levels.index(underline[0]) + 1, 6) + " " + line.strip(), ""])
            index += 2
            continue
        out.append(line)
        index += 1
    return "\n".join(out)


def _read_markdown(data: bytes, name: str) -> SourceDocument:
    from ingest.formats.markdown import markdown_document

    text, set_aside = markdown_document(_decode_text(data, name))
    return SourceDocument(path=name, text=text, set_aside=set_aside)


def _read_docx(data: bytes, name: str) -> SourceDocument:
    from ingest.formats.docx import docx_to_text

    try:
        text, set_aside = docx_to_text(data)
    except Exception as exc:
        raise UnsupportedFormatError(
            f"{Path(name).name} is not a valid Word document: open it in Word and save it again as .docx."
        ) from exc
    return SourceDocument(path=name, text=text, set_aside=set_aside)


def _read_pdf(data: bytes, name: str) -> SourceDocument:
    from ingest.formats.pdf import PdfTextError, pdf_to_text

    try:
        pdf = pdf_to_text(data)
    except PdfTextError as exc:
        if exc.encrypted:
            raise InputError(
                f"{Path(name).name} is password-protected: save an unprotected copy and ingest that."
            ) from exc
        raise UnsupportedFormatError(
            f"{Path(name).name} is not a readable PDF: export it again from the original document."
        ) from exc
    if len(pdf.text.strip()) < _MIN_TEXT_CHARS:
        raise InputError(f"{Path(name).name} has no text layer (a scan?): run OCR on it or export the original as PDF.")
    return SourceDocument(path=name, text=pdf.text, page_starts=pdf.page_starts, set_aside=pdf.set_aside)


def _read_html(data: bytes, name: str) -> SourceDocument:
    from ingest.formats.html import html_document

    text, set_aside = html_document(_decode_text(data, name))
    return SourceDocument(path=name, text=text, set_aside=set_aside)


_READERS: dict[str, Callable[[bytes, str], SourceDocument]] = {
    ".txt": _read_text,
    ".md": _read_markdown,
    ".markdown": _read_markdown,
    ".docx": _read_docx,
    ".pdf": _read_pdf,
    ".html": _read_html,
    ".htm": _read_html,
}
