"""Make the corpus's Word and HTML documents from the Markdown text the organisations published.

Run by hand (`python data/corpus/make_formats.py`) when a source changes; its outputs are committed under
`documents/`. Where an organisation published only Markdown, this renders it the way it would reach a
school as a web page (`html`) or as a Word file (`docx`), and SOURCES.md says so.

- html: markdown-it's rendering inside a page with a site header, navigation and footer (page furniture
  a reader must skip). Ordered lists stay `<ol>`, so their numbers are not in the text, as on the web.
- docx: python-docx with **real Word automatic numbering**: a printed label at the start of a heading or
  paragraph (`1.`, `a.`, `(a)`, `i.`) is removed from the text and replaced by a numbering definition
  (abstractNum levels with their format, pattern and start), so the numbers exist only in numbering.xml,
  as in a Word document typed with automatic numbering. The builder checks that Word's counters give back
  every printed label before it writes the file.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

HERE = Path(__file__).resolve().parent
HTML_DOCS = ("gds-way-incident-management", "ukhsa-api-security-guidelines", "homeoffice-use-ai")
DOCX_DOCS = ("nhsx-open-source-policy", "cncf-charter")

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:Arial,sans-serif;max-width:48em;margin:auto}}</style></head>
<body>
<header><a href="/">Home</a> <nav><ul><li><a href="/standards">Standards</a></li><li><a href="/guidance">Guidance</a>
</li><li><a href="/about">About</a></li></ul></nav></header>
<main>
{body}
</main>
<footer><p>All content is available under the licence stated in the source repository.</p></footer>
</body></html>
"""

# label pattern -> (level, Word numFmt, lvlText); level 0 numbers, 1 letters, 2 roman numerals
_LABELS = (
    (re.compile(r"^(\d{1,2})\.\s+"), 0, "decimal", "%1."),
    (re.compile(r"^\(([ivx]{1,4})\)\s+"), 2, "lowerRoman", "(%3)"),
    (re.compile(r"^([ivx]{1,4})\.\s+"), 2, "lowerRoman", "%3."),
    (re.compile(r"^\(([a-z])\)\s+"), 1, "lowerLetter", "(%2)"),
    (re.compile(r"^([a-z])\.\s+"), 1, "lowerLetter", "%2."),
)


def make_html(doc_id: str) -> Path:
    from markdown_it import MarkdownIt

    source = (HERE / "sources" / f"{doc_id}.md").read_text(encoding="utf-8")
    body = MarkdownIt("commonmark").enable("table").render(source)
    title = doc_id.replace("-", " ").title()
    out = HERE / "documents" / f"{doc_id}.html"
    out.write_text(_PAGE.format(title=title, body=body), encoding="utf-8")
    return out


def make_docx(doc_id: str) -> Path:
    from ingest.formats.markdown import markdown_to_text

    text = markdown_to_text((HERE / "sources" / f"{doc_id}.md").read_text(encoding="utf-8"))
    blocks = [block for block in text.split("\n\n") if block.strip()]
    labelled = [_split_label(block) for block in blocks]
    formats: dict[int, tuple[str, str]] = {}
    for _, label in labelled:
        if label is not None:
            formats.setdefault(label[0], (label[1], label[2]))
    document = Document()
    num_id = _add_numbering(document, formats)
    counters: dict[int, int] = {}
    for body, label in labelled:
        heading = re.match(r"^(#{1,6}) (.*)$", body)
        text = heading.group(2) if heading else body
        if heading:
            paragraph = document.add_heading(text, level=min(len(heading.group(1)), 9))
        elif text.startswith("- "):
            paragraph = document.add_paragraph(text[2:], style="List Bullet")
        else:
            paragraph = document.add_paragraph()
            for index, line in enumerate(text.split("\n")):
                run = paragraph.add_run(line.replace("\t", "    "))
                if index:
                    run.add_break()
        if label is not None:
            level, _, _, printed = label
            counters[level] = counters.get(level, 0) + 1
            for deeper in [key for key in counters if key > level]:
                del counters[deeper]
            if _value(printed, level) != counters[level]:
                raise SystemExit(f"{doc_id}: Word would number {printed!r} as {counters[level]}; fix the source map")
            _number(paragraph, num_id, level)
    out = HERE / "documents" / f"{doc_id}.docx"
    document.save(str(out))
    return out


def _split_label(block: str) -> tuple[str, tuple[int, str, str, str] | None]:
    heading = re.match(r"^(#{1,6} )(.*)$", block, re.S)
    prefix, text = (heading.group(1), heading.group(2)) if heading else ("", block)
    for pattern, level, fmt, pattern_text in _LABELS:
        match = pattern.match(text)
        if match:
            return prefix + text[match.end() :], (level, fmt, pattern_text, match.group(1))
    return block, None


def _value(printed: str, level: int) -> int:
    if level == 0:
        return int(printed)
    if level == 1:
        return ord(printed) - ord("a") + 1
    return {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}[printed]


def _add_numbering(document: object, formats: dict[int, tuple[str, str]]) -> str:
    numbering = document.part.numbering_part.element  # type: ignore[attr-defined]
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), "90")
    for level in range(3):
        fmt, text = formats.get(level, ("decimal", f"%{level + 1}."))
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), str(level))
        for tag, value in (("w:start", "1"), ("w:numFmt", fmt), ("w:lvlText", text), ("w:lvlJc", "left")):
            element = OxmlElement(tag)
            element.set(qn("w:val"), value)
            lvl.append(element)
        abstract.append(lvl)
    numbering.insert(0, abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), "90")
    abstract_id = OxmlElement("w:abstractNumId")
    abstract_id.set(qn("w:val"), "90")
    num.append(abstract_id)
    numbering.append(num)
    return "90"


def _number(paragraph: object, num_id: str, level: int) -> None:
    properties = paragraph._p.get_or_add_pPr()  # type: ignore[attr-defined]
    num_pr = OxmlElement("w:numPr")
    ilvl = OxmlElement("w:ilvl")
    ilvl.set(qn("w:val"), str(level))
    num = OxmlElement("w:numId")
    num.set(qn("w:val"), num_id)
    num_pr.append(ilvl)
    num_pr.append(num)
    properties.append(num_pr)


def main() -> None:
    sys.path.insert(0, str(HERE.parent.parent))
    (HERE / "documents").mkdir(exist_ok=True)
    for doc_id in HTML_DOCS:
        print(make_html(doc_id))
    for doc_id in DOCX_DOCS:
        print(make_docx(doc_id))


if __name__ == "__main__":
    main()
