"""Turn a policy file (txt, md, docx, pdf, html) into plain text with headings and list items kept.

Headings become Markdown `#` lines and list items `- ` lines, so one parser serves every format.
Every refusal is an UnsupportedFormatError/InputError with one sentence saying what to do.
"""

from __future__ import annotations

import io
import logging
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
    if b"\x00" in data[:8192]:
        raise UnsupportedFormatError(
            f"{Path(name).name} looks like a binary file, not text: export the policy as .txt, .docx or .pdf."
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text.replace("\r\n", "\n").replace("\r", "\n")
    raise UnsupportedFormatError(f"{Path(name).name} is not readable text: save it as UTF-8 text, .docx or .pdf.")


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    return controls / len(text) < 0.01


def _read_text(data: bytes, name: str) -> SourceDocument:
    return SourceDocument(path=name, text=_decode_text(data, name))


def _read_docx(data: bytes, name: str) -> SourceDocument:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise UnsupportedFormatError(
            f"{Path(name).name} is not a valid Word document: open it in Word and save it again as .docx."
        ) from exc
    lines: list[str] = []
    for block in _docx_blocks(document):
        lines.append(block)
    return SourceDocument(path=name, text="\n\n".join(line for line in lines if line.strip()))


def _docx_blocks(document: object) -> list[str]:
    """Paragraphs in order with heading levels and list items marked; tables as tab-separated rows."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph as DocxParagraph

    blocks: list[str] = []
    for item in document.iter_inner_content():  # type: ignore[attr-defined]
        if isinstance(item, DocxParagraph):
            text = item.text.strip()
            if not text:
                continue
            style = (item.style.name if item.style is not None else "") or ""
            if style.lower().startswith("heading"):
                level = "".join(ch for ch in style if ch.isdigit()) or "1"
                blocks.append("#" * min(int(level), 6) + " " + text)
            elif style.lower() == "title":
                blocks.append("# " + text)
            elif "list" in style.lower():
                blocks.append("- " + text)
            else:
                blocks.append(text)
        elif isinstance(item, Table):
            rows = ["\t".join(cell.text.strip() for cell in row.cells) for row in item.rows]
            blocks.append("\n".join(rows))
    return blocks


def _read_pdf(data: bytes, name: str) -> SourceDocument:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
    except Exception as exc:
        raise UnsupportedFormatError(
            f"{Path(name).name} is not a readable PDF: export it again from the original document."
        ) from exc
    if reader.is_encrypted:
        raise InputError(f"{Path(name).name} is password-protected: save an unprotected copy and ingest that.")
    pages: list[str] = []
    starts: list[int] = []
    offset = 0
    try:
        page_texts = [(page.extract_text() or "").strip() for page in reader.pages]
    except Exception as exc:
        raise UnsupportedFormatError(
            f"{Path(name).name} could not be read as a PDF: export it again from the original document."
        ) from exc
    for text in page_texts:
        starts.append(offset)
        pages.append(text)
        offset += len(text) + 2
    text = "\n\n".join(pages)
    if len(text.strip()) < _MIN_TEXT_CHARS:
        raise InputError(f"{Path(name).name} has no text layer (a scan?): run OCR on it or export the original as PDF.")
    return SourceDocument(path=name, text=text, page_starts=tuple(starts))


_BLOCK_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "tr", "pre", "blockquote", "dt", "dd")


def _read_html(data: bytes, name: str) -> SourceDocument:
    from bs4 import BeautifulSoup

    text = _decode_text(data, name)
    soup = BeautifulSoup(text, "html.parser")
    for junk in soup(["script", "style", "nav", "footer", "head", "noscript"]):
        junk.decompose()
    blocks: list[str] = []
    for element in soup.find_all(_BLOCK_TAGS):
        if element.find_parent(_BLOCK_TAGS) is not None and element.name != "li":
            continue
        tag = element.name
        if tag == "tr":
            content = "\t".join(cell.get_text(" ", strip=True) for cell in element.find_all(["td", "th"]))
        else:
            content = element.get_text(" ", strip=True)
        if not content:
            continue
        if tag.startswith("h"):
            blocks.append("#" * int(tag[1]) + " " + content)
        elif tag == "li":
            blocks.append("- " + content)
        else:
            blocks.append(content)
    if not blocks:
        blocks = [soup.get_text("\n", strip=True)]
    return SourceDocument(path=name, text="\n\n".join(blocks))


_READERS: dict[str, Callable[[bytes, str], SourceDocument]] = {
    ".txt": _read_text,
    ".md": _read_text,
    ".markdown": _read_text,
    ".docx": _read_docx,
    ".pdf": _read_pdf,
    ".html": _read_html,
    ".htm": _read_html,
}
