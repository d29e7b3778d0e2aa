"""Automatic list numbering as a reader sees it printed: Word's numbering definitions and HTML's `<ol>`.

Word keeps the numbers out of the text: each numbered paragraph names a list (`numId`) and a level
(`ilvl`); the list's abstract definition gives each level a format (`decimal`, `lowerLetter`, ...), a
pattern (`%1.%2.`), a start and when it restarts. `WordNumbering` replays the counters in document order
so the label matches the printed document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl")]
_ROMAN += [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def to_roman(number: int) -> str:
    out = []
    for value, letters in _ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def to_letters(number: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa (Word repeats the letter)."""
    if number <= 0:
        return ""
    return chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)


def format_counter(number: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return to_letters(number)
    if fmt == "upperLetter":
        return to_letters(number).upper()
    if fmt == "lowerRoman":
        return to_roman(number)
    if fmt == "upperRoman":
        return to_roman(number).upper()
    if fmt == "decimalZero":
        return f"{number:02d}"
    return str(number)


@dataclass(frozen=True)
class _Level:
    fmt: str = "decimal"
    text: str = ""
    start: int = 1
    restart_after: int | None = None  # None: restart after any higher level; -1: never
    legal: bool = False
    style: str = ""


@dataclass
class WordNumbering:
    """Replays Word's list counters; call `label()` once per numbered paragraph, in document order."""

    abstract_of: dict[str, str] = field(default_factory=dict)
    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)
    overrides: dict[str, dict[int, int]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)

    @classmethod
    def from_part(cls, numbering_element: Any | None) -> WordNumbering:
        numbering = cls()
        if numbering_element is None:
            return numbering
        for abstract in numbering_element.findall(f"{_W}abstractNum"):
            levels: dict[int, _Level] = {}
            for lvl in abstract.findall(f"{_W}lvl"):
                levels[int(lvl.get(f"{_W}ilvl", "0"))] = _parse_level(lvl)
            numbering.levels[abstract.get(f"{_W}abstractNumId", "")] = levels
        for num in numbering_element.findall(f"{_W}num"):
            num_id = num.get(f"{_W}numId", "")
            abstract_id = num.find(f"{_W}abstractNumId")
            numbering.abstract_of[num_id] = abstract_id.get(f"{_W}val", "") if abstract_id is not None else ""
            starts: dict[int, int] = {}
            for override in num.findall(f"{_W}lvlOverride"):
                start = override.find(f"{_W}startOverride")
                if start is not None:
                    starts[int(override.get(f"{_W}ilvl", "0"))] = int(start.get(f"{_W}val", "1"))
            numbering.overrides[num_id] = starts
        return numbering

    def level_of_style(self, num_id: str, style_id: str | None) -> int:
        """The level a numbered style (e.g. Heading 2) is linked to in the list's definition; 0 if none."""
        for index, definition in self.levels.get(self.abstract_of.get(num_id, ""), {}).items():
            if style_id and definition.style == style_id:
                return index
        return 0

    def label(self, num_id: str, level: int) -> str | None:
        """The printed label of the next paragraph in list `num_id` at `level`: "1.2", "(a)", "- " for a
        bullet, "" for an unnumbered level, None when the list is unknown."""
        abstract_id = self.abstract_of.get(num_id)
        if abstract_id is None or abstract_id not in self.levels:
            return None
        levels = self.levels[abstract_id]
        definition = levels.get(level, _Level())
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.seen:
            self.seen.add(num_id)
            for overridden, start in self.overrides.get(num_id, {}).items():
                counters[overridden] = start - 1
                _reset_below(counters, levels, overridden)
        counters[level] = counters.get(level, definition.start - 1) + 1
        _reset_below(counters, levels, level)
        if definition.fmt == "bullet":
            return "- "
        if definition.fmt == "none" or not definition.text:
            return ""
        label = definition.text
        for index in range(9):
            placeholder = f"%{index + 1}"
            if placeholder not in label:
                continue
            shown = levels.get(index, _Level())
            value = counters.get(index, shown.start)
            fmt = "decimal" if definition.legal and index != level else shown.fmt
            label = label.replace(placeholder, format_counter(value, fmt))
        return label.strip()


def _reset_below(counters: dict[int, int], levels: dict[int, _Level], level: int) -> None:
    for deeper in list(counters):
        if deeper <= level:
            continue
        restart_after = levels.get(deeper, _Level()).restart_after
        if restart_after == -1 or (restart_after is not None and level >= restart_after):
            continue
        del counters[deeper]


def _parse_level(lvl: Any) -> _Level:
    def value(tag: str) -> str | None:
        node = lvl.find(f"{_W}{tag}")
        return node.get(f"{_W}val") if node is not None else None

    restart = value("lvlRestart")
    return _Level(
        fmt=value("numFmt") or "decimal",
        text=value("lvlText") or "",
        start=int(value("start") or "1"),
        restart_after=(-1 if restart == "0" else int(restart)) if restart is not None else None,
        legal=lvl.find(f"{_W}isLgl") is not None,
        style=value("pStyle") or "",
    )
