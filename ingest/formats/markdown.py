"""Markdown to normalised policy text with markdown-it-py: marks (`**`, backticks, links) never reach a quote.

Headings keep `#` levels, bullets become `- `, ordered-list items keep the number a reader sees (`3. `),
tables become tab-separated rows, and every block is separated by a blank line.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from core.types import SetAside

_FRONT_MATTER_FENCE = "---"
_TASK_BOX = re.compile(r"^\[[ xX]\]\s+")
_INSERTED = re.compile(r"\+\+(\S(?:.*?\S)?)\+\+")  # `++inserted++` (markdown-it-ins) shows as plain text


def markdown_to_text(source: str) -> str:
    """Render Markdown source to the parser's normalised text."""
    return markdown_document(source)[0]


def markdown_document(source: str) -> tuple[str, tuple[SetAside, ...]]:
    """The normalised text, and the in-page link lists (`- [Scope](#scope)`) set aside as contents lists."""
    parser = MarkdownIt("commonmark").enable("table")
    tokens = parser.parse(_strip_front_matter(source))
    set_aside: list[SetAside] = []
    return "\n\n".join(_blocks(tokens, set_aside)), tuple(set_aside)


def is_anchor_link_only(token: Token) -> bool:
    """An inline made of links to places in the same page and nothing else: a contents entry."""
    children = token.children or []
    inside = 0
    links = 0
    for child in children:
        if child.type == "link_open":
            if not str(child.attrGet("href") or "").startswith("#"):
                return False
            inside += 1
            links += 1
        elif child.type == "link_close":
            inside -= 1
        elif child.type == "text" and not inside and child.content.strip(" .,;:|"):
            return False
    return links > 0


def _strip_front_matter(source: str) -> str:
    lines = source.split("\n")
    if lines and lines[0].strip() == _FRONT_MATTER_FENCE:
        for index in range(1, min(len(lines), 60)):
            if lines[index].strip() == _FRONT_MATTER_FENCE:
                return "\n".join(lines[index + 1 :])
    return source


def inline_text(token: Token) -> str:
    """The reader's text of an inline token: emphasis, code and link marks dropped, soft breaks as spaces."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
    return _INSERTED.sub(r"\1", "".join(parts)).strip()


def _blocks(tokens: list[Token], set_aside: list[SetAside]) -> list[str]:
    blocks: list[str] = []
    lists: list[list[int | None]] = []  # per open list: [next number] for ordered, [None] for bullets
    markers: list[str] = []  # the marker the next paragraph of the open list item starts with
    row: list[str] | None = None
    heading_level = 0
    for token in tokens:
        kind = token.type
        if kind == "bullet_list_open":
            lists.append([None])
        elif kind == "ordered_list_open":
            start = token.attrGet("start")
            lists.append([int(start) if start is not None else 1])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            counter = lists[-1] if lists else [None]
            if counter[0] is None:
                markers.append("- ")
            else:
                number = int(token.info) if token.info.isdigit() else counter[0]
                markers.append(f"{number}{token.markup or '.'} ")
                counter[0] = number + 1
        elif kind == "list_item_close":
            if markers:
                markers.pop()
        elif kind == "heading_open":
            heading_level = int(token.tag[1])
        elif kind == "heading_close":
            heading_level = 0
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close":
            if row is not None and any(row):
                blocks.append("\t".join(row))
            row = None
        elif kind == "inline":
            text = inline_text(token)
            if row is not None:
                row.append(" ".join(text.split()))
            elif heading_level:
                blocks.append("#" * heading_level + " " + " ".join(text.split()))
            elif text and markers and is_anchor_link_only(token):
                markers[-1] = ""
                set_aside.append(SetAside("contents", text))
            elif text:
                prefix = ""
                if markers and markers[-1]:
                    prefix, markers[-1] = markers[-1], ""
                    text = _TASK_BOX.sub("", text)  # a task-list item's "[ ]" box is not text
                blocks.append(prefix + text)
        elif kind in ("fence", "code_block") and token.content.strip():
            blocks.append(token.content.strip("\n"))
        elif kind == "html_block":
            text = _html_block_text(token.content)
            if text:
                blocks.append(text)
    return blocks


def _html_block_text(content: str) -> str:
    from bs4 import BeautifulSoup

    return BeautifulSoup(content, "html.parser").get_text(" ", strip=True)
