"""HTML to normalised policy text with BeautifulSoup, printing the numbers a browser shows for `<ol>` items."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, NavigableString, Tag

from core.types import SetAside
from ingest.formats.numbering import format_counter

# a page saved as its template source (Jinja, Django, Liquid): tags a browser never shows
_TEMPLATE_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.DOTALL)
_SKIP = {"script", "style", "nav", "footer", "head", "noscript", "template", "svg", "button", "form"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_TEXT_BLOCKS = {"p", "pre", "dt", "dd", "caption", "figcaption", "address", "summary"}
_LIST_STYLES = {
    "decimal": "decimal",
    "lower-alpha": "lowerLetter",
    "lower-latin": "lowerLetter",
    "upper-alpha": "upperLetter",
    "upper-latin": "upperLetter",
    "lower-roman": "lowerRoman",
    "upper-roman": "upperRoman",
}
_TYPE_ATTR = {"1": "decimal", "a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman"}


@dataclass
class _Out:
    blocks: list[str] = field(default_factory=list)
    inline: list[str] = field(default_factory=list)
    marker: str = ""
    set_aside: list[SetAside] = field(default_factory=list)

    def flush(self) -> None:
        text = " ".join("".join(self.inline).split())
        self.inline.clear()
        if text:
            self.blocks.append(self.take_marker() + text)

    def take_marker(self) -> str:
        marker, self.marker = self.marker, ""
        return marker

    def block(self, text: str) -> None:
        self.flush()
        text = " ".join(text.split())
        if text:
            self.blocks.append(self.take_marker() + text)


def html_to_text(markup: str) -> str:
    """Render an HTML page to the parser's normalised text."""
    return html_document(markup)[0]


def html_document(markup: str) -> tuple[str, tuple[SetAside, ...]]:
    """The normalised text, and the in-page link lists (`<li><a href="#scope">`) set aside as contents."""
    soup = BeautifulSoup(_TEMPLATE_TAG.sub(" ", markup), "html.parser")
    root = soup.body or soup
    out = _Out()
    _walk(root, out)
    out.flush()
    return "\n\n".join(out.blocks), tuple(out.set_aside)


def _walk(element: Tag, out: _Out) -> None:
    for child in element.children:
        if isinstance(child, NavigableString):
            if type(child) is NavigableString:  # not a comment, doctype or CDATA
                out.inline.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if name in _SKIP or (name == "header" and _is_site_chrome(child)):
            continue
        if name in _HEADINGS:
            out.flush()
            out.take_marker()
            out.block("#" * int(name[1]) + " " + child.get_text(" ", strip=True))
        elif name in _TEXT_BLOCKS:
            out.block(child.get_text(" ", strip=True) if not child.find(["ul", "ol", "table"]) else "")
            if child.find(["ul", "ol", "table"]):
                _walk(child, out)
        elif name in ("ul", "ol"):
            out.flush()
            _walk_list(child, out)
        elif name == "table":
            out.flush()
            for row in child.find_all("tr"):
                cells = [" ".join(cell.get_text(" ", strip=True).split()) for cell in row.find_all(["td", "th"])]
                if any(cells):
                    out.blocks.append("\t".join(cells))
        elif name == "br":
            out.flush()
        else:
            is_block = name in ("div", "section", "article", "main", "blockquote", "header", "aside", "li", "body")
            if is_block:
                out.flush()
            _walk(child, out)
            if is_block:
                out.flush()


def _anchor_link_only(item: Tag) -> bool:
    """A list item that is only a link to a place in the same page: a contents entry."""
    links = item.find_all("a")
    if not links or item.find(["ul", "ol"]) is not None:
        return False
    if not all(str(link.get("href") or "").startswith("#") for link in links):
        return False
    outside = item.get_text(" ", strip=True)
    for link in links:
        outside = outside.replace(link.get_text(" ", strip=True), "", 1)
    return not outside.strip(" .,;:|")


def _is_site_chrome(header: Tag) -> bool:
    """A page header holding navigation and no heading is the site's, not the document's."""
    return header.find("nav") is not None and header.find(list(_HEADINGS)) is None


def _walk_list(element: Tag, out: _Out) -> None:
    ordered = element.name == "ol"
    style = _list_style(element) if ordered else "bullet"
    start = element.get("start")
    number = int(start) if isinstance(start, str) and start.strip().lstrip("-").isdigit() else 1
    # the list's own items, also when a stray tag wraps them (`<ul><p><li>`, which browsers still show)
    items = [li for li in element.find_all("li") if li.find_parent(["ul", "ol"]) is element]
    for item in items:
        value = item.get("value")
        if isinstance(value, str) and value.strip().isdigit():
            number = int(value)
        out.flush()
        if _anchor_link_only(item):
            out.set_aside.append(SetAside("contents", item.get_text(" ", strip=True)))
            number += 1
            continue
        out.marker = f"{format_counter(number, style)}. " if ordered else "- "
        _walk(item, out)
        out.flush()
        out.marker = ""
        number += 1


def _list_style(element: Tag) -> str:
    css = str(element.get("style") or "")
    match = re.search(r"list-style(?:-type)?\s*:\s*([a-z-]+)", css)
    if match and match.group(1) in _LIST_STYLES:
        return _LIST_STYLES[match.group(1)]
    kind = element.get("type")
    return _TYPE_ATTR.get(str(kind), "decimal") if kind else "decimal"
