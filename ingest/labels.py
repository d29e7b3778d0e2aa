"""What a line's leading label could be: `1.2.3`, `4`, `Section 4`, `§ 12.345`, `(a)`, `ABC.DEF.012`, `Annex A`.

Pure pattern work with no context: a line may have several readings (`1)` is a section or an item) and the
parser (`ingest/parser.py`) keeps the one that continues the document's numbering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

LabelKind = Literal["decimal", "section", "group", "item", "code", "appendix"]

_SEPARATOR = r"\s*[:.\-–—]?\s*"
_APPENDIX = re.compile(
    r"^(appendix|appendices|annex|annexe|schedule|attachment|exhibit|addendum)\s+([A-Z]|\d{1,2}(?:\.\d{1,2})?|[IVX]{1,5})\b"
    + _SEPARATOR
    + r"(.*)$",
    re.IGNORECASE,
)
_GROUP = re.compile(
    r"^(part|chapter|subpart|title|book)\s+(\d{1,3}|[IVXLC]{1,6}|[A-Z])\b" + _SEPARATOR + r"(.*)$", re.I
)
_SECTION_WORD = re.compile(
    r"^(section|article|clause|regulation|rule|paragraph|sec\.|art\.)\s+(\d{1,3}[A-Z]?|[IVXLC]{1,6})\b\.?"
    + _SEPARATOR
    + r"(.*)$",
    re.IGNORECASE,
)
_SECTION_WORD_DECIMAL = re.compile(
    r"^(section|clause|regulation|rule|paragraph|sec\.)\s+(\d{1,3}(?:\.\d{1,3}){1,3})\.?" + _SEPARATOR + r"(.*)$", re.I
)
_SECTION_SIGN = re.compile(r"^§{1,2}\s*(\d+(?:[.\-]\d+)*[a-z]?)\.?\s+(.*)$")
_DECIMAL = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){1,4})\.?(?:\)|\s)\s*(\S.*)$")
_NUMBER = re.compile(r"^(\d{1,3})(\.|\)|\s)\s*(\S.*)$")
_ROMAN = re.compile(r"^([IVXLC]{1,6})[.)]\s+(\S.*)$")
_ITEM_PAREN = re.compile(r"^\(([a-zA-Z]{1,5}|\d{1,3})\)\s*(.*)$")
_ITEM_HALF = re.compile(r"^([a-zA-Z]{1,5}|\d{1,3})\)\s+(\S.*)$")
_ITEM_DOT = re.compile(r"^([a-zA-Z]|[ivx]{1,5})\.\s+(\S.*)$")
_CODE = re.compile(
    r"^([A-Z][A-Z0-9]{1,9}(?:[.\-_/][A-Z0-9]{1,9}){0,4}[.\-_/]?\d{1,4}[a-z]?)(?::\s*|\s+[-–—]\s+|\s+)(\S.*)$"
)
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


@dataclass(frozen=True)
class Label:
    kind: LabelKind
    token: str  # the number as it will appear in an id: "1.2.3", "4", "IV", "164.308", "a", "ABC.DEF.012"
    rest: str  # the line's text after the label
    word: str = ""  # "section", "article", "part", "appendix", "§"; "" for a bare number
    punct: str = ""  # what followed a bare number: ".", ")", " "; "(" for an item in brackets


def readings(line: str) -> list[Label]:
    """Every way the start of `line` can be read as a label, most specific first."""
    out: list[Label] = []
    if match := _APPENDIX.match(line):
        word = {"annexe": "annex"}.get(match.group(1).lower(), match.group(1).lower())
        if word != "appendices":
            out.append(Label("appendix", match.group(2).lower(), match.group(3).strip(), word))
    if match := _GROUP.match(line):
        out.append(Label("group", match.group(2), match.group(3).strip(), match.group(1).lower()))
    if match := _SECTION_WORD_DECIMAL.match(line):
        out.append(Label("decimal", match.group(2), match.group(3).strip(), match.group(1).lower().rstrip(".")))
    if match := _SECTION_WORD.match(line):
        word = match.group(1).lower().rstrip(".")
        word = {"sec": "section", "art": "article"}.get(word, word)
        out.append(Label("section", match.group(2), match.group(3).strip(), word))
    if match := _SECTION_SIGN.match(line):
        out.append(Label("section", match.group(1), match.group(2).strip(), "§"))
    if match := _DECIMAL.match(line):
        out.append(Label("decimal", match.group(1), match.group(2).strip()))
    if match := _NUMBER.match(line):
        punct = match.group(2) if match.group(2) in ".)" else " "
        out.append(Label("section", match.group(1), match.group(3).strip(), "", punct))
        if punct in ".)":
            out.append(Label("item", match.group(1), match.group(3).strip(), "", punct))
    if match := _ROMAN.match(line):
        out.append(Label("section", match.group(1), match.group(2).strip(), "", "roman"))
    for pattern, punct in ((_ITEM_PAREN, "("), (_ITEM_HALF, ")"), (_ITEM_DOT, ".")):
        match = pattern.match(line)
        if match and not any(label.kind == "item" and label.token == match.group(1) for label in out):
            out.append(Label("item", match.group(1), match.group(2).strip(), "", punct))
    if match := _CODE.match(line):
        out.append(Label("code", match.group(1), match.group(2).strip()))
    return out


def roman_value(token: str) -> int | None:
    lowered = token.lower()
    if not lowered or any(ch not in _ROMAN_VALUES for ch in lowered):
        return None
    total = 0
    for index, ch in enumerate(lowered):
        value = _ROMAN_VALUES[ch]
        if index + 1 < len(lowered) and _ROMAN_VALUES[lowered[index + 1]] > value:
            total -= value
        else:
            total += value
    return total


def section_value(token: str) -> int | None:
    """A section number's place in the sequence: 4 for `4`, 4 for `IV`, 12 for `12A`; None for `164.308`."""
    if token.isdigit():
        return int(token)
    if token[:-1].isdigit() and token[-1].isalpha():
        return int(token[:-1])
    return roman_value(token) if token.isupper() else None


def code_shape(code: str) -> str:
    """What codes of one scheme share: `ABC.DEF.012` and `ABC.DEF.113` both give `ABC.DEF.#`."""
    return re.sub(r"\d+[a-z]?", "#", code)
