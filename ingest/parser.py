"""Parse policy text into its own numbered paragraphs, each with its id exactly as printed.

The rules are those of `data/corpus/CONVENTIONS.md`. A line's label (`ingest/labels.py`) is kept only when
it continues the document's numbering: the next decimal (`3.2` after `3.1`, `3.2.1` after `3.2`, `4.1`
after section `4`), the next section in the style the document uses for sections, the next item of an
open list (`(b)` after `(a)`), a code of a scheme the document uses more than once. Anything else (a
wrapped line that happens to start with a number, a list inside a numbered paragraph) continues the
paragraph above. Items under a section are cited as `2(e)` and `12.345(a)(1)`; roman sub-items and lists
inside a decimal paragraph stay with it. Text before the first unit is the `preamble`; a document with no
numbering falls back to its headings (`equipment/broken-kit`), and one with neither to `p1`, `p2`, ...
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cached_property

from core.types import Paragraph, ParsedPolicy, SetAside, SourceDocument
from ingest.furniture import find_contents
from ingest.labels import Label, code_shape, readings, roman_value, section_value

_BULLET = re.compile(r"^(?:[-*•●▪◦–➢]|\u2022)\s+")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_HEADING_MAX_WORDS = 14
_CHAINED_ITEMS = re.compile(r"^(\([a-zA-Z0-9]{1,5}\))\s*\([a-zA-Z0-9]{1,5}\)")
PARSER_VERSION = "3"
"""Bump when parsing or contact extraction changes: indexed policies are then re-parsed on the next ingest."""


@dataclass(frozen=True)
class _Line:
    offset: int
    end: int
    text: str  # without heading marks or bullet
    heading_level: int
    bullet: bool
    blank_before: bool

    @cached_property
    def labels(self) -> list[Label]:
        """The line's possible labels, read once: the style pre-passes and the builder all consult them."""
        return readings(self.text)

    @property
    def headingish(self) -> bool:
        """A heading by its mark, or by its form: short, no closing punctuation, capitalised."""
        if self.heading_level:
            return True
        return _short_title(self.text)


def _short_title(text: str, closing_period: bool = False) -> bool:
    """`closing_period`: "§ 164.302 Applicability." and "Section 3.3. Composition." end their titles with one;
    otherwise a full stop is allowed after a title in title case ("3. Termination of Members.") but not after
    a sentence ("4. Staff must wear badges.")."""
    text = text.strip()
    if text.endswith(".") and not text.endswith("..") and (closing_period or _title_case(text)):
        text = text[:-1]
    if not text or len(text.split()) > _HEADING_MAX_WORDS or "\t" in text or "://" in text:
        return False
    if re.search(r"[a-z]{2}[.;!?] +\S", text):  # a sentence ends inside: prose, not a title
        return False
    return not text.endswith((".", ";", ":", ",", "?", "!")) and (text[0].isupper() or text[0].isdigit())


def _title_case(text: str) -> bool:
    words = [word for word in re.findall(r"[A-Za-z]+", text) if len(word) >= 4]
    return bool(words) and sum(word[0].isupper() for word in words) / len(words) >= 0.6


@dataclass
class _Unit:
    id: str
    heading_path: tuple[str, ...]
    start: int
    end: int
    lines: list[str] = field(default_factory=list)


@dataclass
class _Pending:
    """A numbered heading that becomes a unit only if text stands under it before its first child."""

    id: str
    heading_path: tuple[str, ...]
    start: int
    end: int
    title: str
    kind: str = "section"
    untitled: bool = False  # the label stood alone ("Appendix 1"): its title may follow on the next line


@dataclass
class _Item:
    style: str  # digit, lower, upper, roman, ROMAN
    value: int
    token: str
    punct: str = ""  # "(" for (a), ")" for a), "." for a.: siblings are written alike


@dataclass
class _Builder:
    codes: set[str]
    document_section_style: tuple[str, str, bool] | None = None
    decimal_majors: frozenset[int] = frozenset()  # majors of the document's decimals: section 7 of an extract
    units: list[_Unit] = field(default_factory=list)
    current: _Unit | None = None
    pending: _Pending | None = None
    appendix: str = ""
    appendix_title: str = ""
    group: str = ""
    section_id: str = ""
    section_label: str = ""
    section_value: int | None = None
    item_parent: str = ""  # the id items (a), (1) hang from: a section, "Section 3.3", an appendix
    section_style: tuple[str, str, bool] | None = None  # (word, punct, is a marked heading)
    decimal: tuple[int, ...] | None = None
    items: list[_Item] = field(default_factory=list)
    current_kind: str = ""  # what the open unit is: section, item, decimal, code, preamble
    preamble: list[_Line] = field(default_factory=list)
    set_aside: list[SetAside] = field(default_factory=list)
    accepted: Counter[str] = field(default_factory=Counter)
    section_uses: Counter[str] = field(default_factory=Counter)
    absorbed: Counter[str] = field(default_factory=Counter)  # unnumbered blocks kept with a paragraph
    subheading: str = ""  # the latest unnumbered heading, shown in the heading path of the units under it
    body_sections: int = 0  # the last section number before the appendices (annexes may go on from it)

    # -- one line -----------------------------------------------------------------------------------
    def consume(self, line: _Line) -> None:
        chained = _CHAINED_ITEMS.match(line.text)
        if chained:  # "(b)(1) text": item (b) has no text of its own, (1) holds it
            self.consume(replace(line, text=chained.group(1)))
            line = replace(line, text=line.text[chained.end(1) :].strip(), blank_before=False)
        for label in line.labels:
            if self._accept(label, line):
                self.accepted[label.kind if label.word != "§" else "legal"] += 1
                return
        self._text(line)

    def _accept(self, label: Label, line: _Line) -> bool:
        if label.kind == "appendix":
            return self._appendix(label, line)
        if label.kind == "group":
            return self._group(label, line)
        if label.kind == "decimal":
            return self._decimal(label, line)
        if label.kind == "section":
            return self._section(label, line)
        if label.kind == "item":
            return self._item(label, line)
        return self._code(label, line)

    def _appendix(self, label: Label, line: _Line) -> bool:
        if label.rest and not line.heading_level and not _short_title(label.rest[:1].upper() + label.rest[1:]):
            return False
        self._close()
        self.subheading = ""
        if not self.appendix:
            self.body_sections = self.section_value or 0
        self.appendix = f"{label.word}-{label.token}"
        self.appendix_title = _tidy(line.text)
        self.section_id, self.section_label, self.section_value, self.decimal = "", "", None, None
        self.section_style = None
        self.document_section_style = None  # an appendix numbers its own sections, in its own style
        self.items = []
        self.item_parent = ""  # items straight under an appendix title stay in it
        self.pending = _Pending(
            self.appendix, (self.appendix_title,), line.offset, line.end, self.appendix_title, untitled=not label.rest
        )
        return True

    def _group(self, label: Label, line: _Line) -> bool:
        if not (line.heading_level or _short_title(line.text)):
            return False
        self._close()
        self.subheading = ""
        self.group = _tidy(line.text)
        self.items = []
        self.item_parent = ""
        group_id = f"{label.word}-{label.token.lower()}"
        self.pending = _Pending(self._prefixed(group_id), (self.group,), line.offset, line.end, self.group)
        return True

    def _decimal(self, label: Label, line: _Line) -> bool:
        parts = tuple(int(part) for part in label.token.split("."))
        # "Section 4.2" is trusted further: its numbers may skip (4.2 -> 4.7) or repeat (a printed duplicate)
        if not (self._decimal_fits(parts, 10 if label.word else 3) or (label.word and parts == self.decimal)):
            return False
        self._close()
        self.decimal = parts
        self.items = []
        if self.section_value != parts[0]:
            self.section_value = parts[0]
            self.section_id = self._prefixed(str(parts[0]))
            self.section_label = ""
        path = self._path() + tuple(".".join(str(p) for p in parts[:depth]) for depth in range(2, len(parts)))
        unit_id = self._prefixed(label.token)
        self.section_uses[unit_id] += 1
        if self.section_uses[unit_id] > 1:  # the document prints the number twice: "4.2 (2)"
            unit_id = f"{unit_id} ({self.section_uses[unit_id]})"
        kind = "section" if label.word else "decimal"  # "Section 3.3" holds items of its own: 3.3(a)
        self.item_parent = unit_id if label.word else ""
        if _short_title(label.rest, bool(label.word)) and (line.heading_level or label.word):
            self.pending = _Pending(unit_id, path, line.offset, line.end, label.rest, kind)
        else:
            self._open(unit_id, path, line, [label.rest], kind)
        return True

    def _decimal_fits(self, parts: tuple[int, ...], max_step: int) -> bool:
        last = self.decimal
        if last is None:
            if self.section_value is None:
                return parts[0] <= 3 and all(part <= 3 for part in parts[1:])
            if parts[0] == self.section_value:  # the section's first numbered paragraph, even an extract's 7.4.1
                return True
            return parts[0] == self.section_value + 1 and all(p <= 1 for p in parts[1:])
        if self.section_value is not None and parts[0] == self.section_value and last[0] < parts[0]:
            return all(part <= 1 for part in parts[1:])
        for depth in range(min(len(parts), len(last))):
            if parts[:depth] != last[:depth]:
                return False
            step = parts[depth] - last[depth]
            if step == 0:
                continue
            return 0 < step <= max_step and all(part <= 1 for part in parts[depth + 1 :])
        if len(parts) > len(last):
            return all(part <= 1 for part in parts[len(last) :])
        return False

    def _section(self, label: Label, line: _Line) -> bool:
        value = section_value(label.token)
        style = (label.word, label.punct, bool(line.heading_level))
        if not self._section_fits(label, value, style, line):
            return False
        self._close()
        self.subheading = ""
        self.section_style = self.section_style or style
        self.section_value = value
        self.section_id = self._prefixed(label.token)
        self.section_uses[self.section_id] += 1
        if self.section_uses[self.section_id] > 1:  # numbering restarted (a second part): "I (2)", "I (2)(1)"
            self.section_id = f"{self.section_id} ({self.section_uses[self.section_id]})"
        self.item_parent = self.section_id
        self.decimal = None
        self.items = []
        title = _tidy(label.rest)
        self.section_label = f"{label.token} {title}".strip()
        if line.headingish or _short_title(label.rest, bool(label.word)) or not label.rest:
            self.pending = _Pending(self.section_id, self._path(), line.offset, line.end, title, untitled=not title)
        else:
            self.section_label = label.token if not label.word else f"{label.word.capitalize()} {label.token}"
            self._open(self.section_id, self._path(), line, [label.rest], "section")
        return True

    def _section_fits(self, label: Label, value: int | None, style: tuple[str, str, bool], line: _Line) -> bool:
        if label.word == "§":
            return True
        if value is None:
            return False
        expected_style = self.section_style or self.document_section_style
        other_style = expected_style is not None and style != expected_style
        if other_style and expected_style is not None and label.word and label.word == expected_style[0]:
            other_style = False
        if not label.word:
            if self.current_kind in ("decimal", "code") and self.decimal is None and self.current is not None:
                return False
            if label.punct == " " and not (line.heading_level or _short_title(label.rest)):
                return False
            if not label.rest[:1].isupper() and not label.rest[:1].isdigit() and label.rest[:1] not in "“\"'(":
                return False
        if self.appendix and self.section_value is None and self.decimal is None:
            # the appendix's first section, whatever its style: its own "1." or the body's numbering going on
            return value <= 2 or self.body_sections < value <= self.body_sections + 3
        current = self.section_value
        if self.decimal is not None:
            current = max(current or 0, self.decimal[0])
        if other_style:  # another style only as the very next number on a heading line: "3) Reporting"
            return current is not None and value == current + 1 and _short_title(label.rest, bool(label.word))
        if current is None:
            return value <= 2 or bool(label.word and line.headingish) or (value in self.decimal_majors)
        if value == 1 and line.heading_level and expected_style is not None:
            return True  # a marked heading restarting the numbering: a second part
        if label.word:
            return current < value <= current + 10
        return current < value <= current + 3

    def _item(self, label: Label, line: _Line) -> bool:
        if not self.item_parent:
            return False
        candidates = _item_readings(label.token)
        # the next item of an open list, else the first of a new list, else an item after a skipped one:
        # "i." after "(g)" opens a roman list rather than skipping (h)
        for gap in (1, None, 2):
            if gap is None:
                for style, value in candidates:
                    if value == 1 and (style not in ("roman", "ROMAN") or self.items):
                        self.items.append(_Item(style, value, label.token, label.punct))
                        return self._open_item(label, line)
                continue
            for depth in range(len(self.items) - 1, -1, -1):
                level = self.items[depth]
                if level.punct != label.punct or (gap == 2 and level.style == "digit"):
                    continue  # a skipped letter happens ("(a)" then "(c)"); a skipped number is another list
                for style, value in candidates:
                    if style == level.style and value == level.value + gap:
                        del self.items[depth:]
                        self.items.append(_Item(style, value, label.token, label.punct))
                        return self._open_item(label, line)
        return False

    def _open_item(self, label: Label, line: _Line) -> bool:
        citable = [item for item in self.items[:2] if item.style not in ("roman", "ROMAN")]
        if len(citable) < len(self.items):
            self._text(line)
            return True
        self._close()
        unit_id = self.item_parent + "".join(f"({item.token})" for item in citable)
        if label.rest:
            self._open(unit_id, self._path(), line, [label.rest], "item")
        else:
            self.pending = _Pending(unit_id, self._path(), line.offset, line.end, "", "item")
        return True

    def _code(self, label: Label, line: _Line) -> bool:
        if code_shape(label.token) not in self.codes:
            return False
        self._close()
        self.items = []
        self.item_parent = ""
        self._open(self._prefixed(label.token), self._path(), line, [label.rest], "code")
        return True

    # -- text ---------------------------------------------------------------------------------------
    def _text(self, line: _Line) -> None:
        body = ("- " + line.text) if line.bullet else line.text
        if line.heading_level:
            self.subheading = _tidy(line.text)  # an unnumbered heading labels the units that follow it
        elif _LABEL_LINE.match(line.text) and self.current is not None:
            # a one-to-three-word label ("Attachment:", "Useful contacts:") opens a block of the unit above:
            # a list under it is that block's list, not new items of the section
            self.item_parent = ""
            self.items = []
        if self.pending is not None:
            if line.heading_level:
                return
            if self.pending.untitled and _short_title(line.text, closing_period=True):
                self.pending.untitled = False  # "Appendix 1" / "PLATINUM MEMBER POLICY": the title's own line
                self.pending.heading_path = (*self.pending.heading_path[:-1], f"{self.pending.title} {line.text}")
                return
            pending = self.pending
            self.pending = None
            self.current = _Unit(pending.id, pending.heading_path, line.offset, line.end, [body])
            self.current_kind = pending.kind
            return
        if self.current is not None:
            if line.heading_level:
                return
            self.current.lines.append(body)
            self.current.end = line.end
            if line.blank_before and not line.bullet:
                self.absorbed[self.current.id] += 1
            return
        self.preamble.append(line)

    def _open(self, unit_id: str, path: tuple[str, ...], line: _Line, lines: list[str], kind: str) -> None:
        self.pending = None
        self.current = _Unit(unit_id, path, line.offset, line.end, [text for text in lines if text])
        self.current_kind = kind

    def _close(self) -> None:
        if self.current is not None:
            if not any(text.strip() for text in self.current.lines):
                self.current.lines = [self.current.heading_path[-1] if self.current.heading_path else self.current.id]
            self.units.append(self.current)
            self.current = None
        self.pending = None
        self.current_kind = ""

    def finish(self) -> None:
        self._close()

    def _prefixed(self, unit_id: str) -> str:
        return f"{self.appendix}/{unit_id}" if self.appendix else unit_id

    def _path(self) -> tuple[str, ...]:
        path = [self.appendix_title] if self.appendix else []
        if self.group and not self.appendix:
            path.append(self.group)
        if self.section_label:
            path.append(self.section_label)
        if self.subheading:
            path.append(self.subheading)
        return tuple(path)


def _item_readings(token: str) -> list[tuple[str, int]]:
    if token.isdigit():
        return [("digit", int(token))]
    out: list[tuple[str, int]] = []
    if len(token) == 1:
        out.append(("lower" if token.islower() else "upper", ord(token.lower()) - ord("a") + 1))
    elif len(set(token)) == 1 and token.isalpha():
        out.append(("lower" if token.islower() else "upper", 26 * (len(token) - 1) + ord(token[0].lower()) - 96))
    roman = roman_value(token)
    if roman is not None and (token.islower() or token.isupper()):
        out.append(("roman" if token.islower() else "ROMAN", roman))
    return out


def parse_policy(document: SourceDocument, policy_id: str) -> ParsedPolicy:
    """Split the document into citable paragraphs; pure text work, no I/O."""
    from ingest.contacts import extract_contacts
    from ingest.parse_report import build_report

    lines, contents = _lines(document.text)
    set_aside = list(document.set_aside) + [SetAside("contents", text) for text in contents]
    builder = _Builder(
        codes=_code_schemes(lines), document_section_style=_section_style(lines), decimal_majors=_decimal_majors(lines)
    )
    for line in lines:
        builder.consume(line)
    builder.finish()
    units = builder.units
    numbered = sum(count for kind, count in builder.accepted.items() if kind != "appendix") >= 2
    if numbered and _numbers_only_in_lists(lines, builder):
        numbered = False
    style = _style_name(builder.accepted) if numbered else ""
    preamble_lines = builder.preamble
    if not numbered:
        units, preamble_lines = _parse_headings(lines)
        style = "headings" if units else ""
        if not units:
            units, preamble_lines = _parse_blocks(lines), []
            style = "paragraphs" if units else ""
    preamble, furniture = _preamble(preamble_lines)
    set_aside.extend(furniture)
    if preamble is not None:
        units = [preamble, *units]
    paragraphs = tuple(
        Paragraph(
            id=unit.id,
            heading_path=unit.heading_path,
            text=_clean_text(unit.lines),
            span=(unit.start, unit.end),
            page=document.page_at(unit.start),
        )
        for unit in _unique_ids(units)
    )
    title = _title(lines, preamble_lines)
    return ParsedPolicy(
        policy_id=policy_id,
        title=title,
        source_path=document.path,
        content_hash=hashlib.sha256(document.text.encode("utf-8")).hexdigest(),
        paragraphs=paragraphs,
        contacts=extract_contacts(paragraphs),
        report=build_report(document, paragraphs, style, tuple(set_aside), tuple(builder.absorbed.items())),
    )


def _lines(text: str) -> tuple[list[_Line], list[str]]:
    raw_lines: list[tuple[int, str]] = []
    offset = 0
    for raw in text.split("\n"):
        raw_lines.append((offset, raw))
        offset += len(raw) + 1
    contents = find_contents([raw for _, raw in raw_lines])
    lines: list[_Line] = []
    dropped: list[str] = []
    blank = True
    for index, (start, raw) in enumerate(raw_lines):
        stripped = raw.strip()
        if not stripped:
            blank = True
            continue
        if index in contents:
            dropped.append(stripped)
            blank = False
            continue
        heading = _MD_HEADING.match(stripped)
        body = heading.group(2) if heading else stripped
        bullet = _BULLET.match(body)
        if bullet:
            body = body[bullet.end() :]
        body = body.strip()
        if body:
            level = len(heading.group(1)) if heading else 0
            for index, part in enumerate(_run_in_list(body)):
                new_block = blank if index == 0 else True
                lines.append(_Line(start, start + len(raw.rstrip()), part, level, bullet is not None, new_block))
        blank = False
    return lines, dropped


def _section_style(lines: list[_Line]) -> tuple[str, str, bool] | None:
    """The style of the document's section numbers: the one whose numbers run longest in order (1, 2, 3 ...),
    so a date in a version table ("1 May 2017") or a list restarting under each section does not set it."""
    values: dict[tuple[str, str, bool], list[int]] = {}
    for line in lines:
        for label in line.labels:
            value = section_value(label.token) if label.kind == "section" and label.word != "§" else None
            if value is not None and label.punct == " " and not (line.heading_level or _short_title(label.rest)):
                value = None  # "1 NIST Special Publication ..." is a footnote, not a section "1 Scope"
            if value is not None:
                values.setdefault((label.word, label.punct, bool(line.heading_level)), []).append(value)
    best: tuple[float, tuple[str, str, bool] | None] = (1.5, None)
    for style, sequence in values.items():
        score = _longest_run(sequence) * (2.0 if style[2] else 1.0)  # a number in a heading is structure
        if score > best[0]:
            best = (score, style)
    return best[1]


def _decimal_majors(lines: list[_Line]) -> frozenset[int]:
    return frozenset(
        int(label.token.split(".")[0]) for line in lines for label in line.labels if label.kind == "decimal"
    )


def _longest_run(values: list[int]) -> int:
    """Length of the longest subsequence that counts up 1, 2, 3 ... with gaps of at most three."""
    longest: dict[int, int] = {}
    for value in values:
        run = 1 + max((longest[v] for v in range(value - 3, value) if v in longest), default=0)
        longest[value] = max(longest.get(value, 0), run)
    return max(longest.values(), default=0)


def _numbers_only_in_lists(lines: list[_Line], builder: _Builder) -> bool:
    """Headings carry the structure and the only numbers are list items (1., 2. under a heading): the
    document is one of headings with numbered lists, not a numbered one."""
    marked = [line for line in lines if line.heading_level]
    if len(marked) < 2 or any(line.labels for line in marked[1:]):
        return False
    structural = {"decimal", "code", "legal", "group"}
    return not structural & set(builder.accepted) and not (builder.section_style and builder.section_style[0])


_LABEL_LINE = re.compile(r"^[A-Z][\w’'-]*(?: [\w’'-]+){0,2}:$")
_RUN_IN_ITEM = re.compile(r"(?<=\S)\s+(\d{1,2})\.\s+(?=[^\W\d_]|[“\"'(])")


def _run_in_list(text: str) -> list[str]:
    """A numbered list run into its lead-in line ("... are: 1. Rules for X, 2. Procedure Y, 3. ..."), as text
    extraction leaves it when line breaks are lost: one line per item, so the items are read as items."""
    colon = text.find(": 1. ")
    if colon < 0:
        return [text]
    cuts = [colon + 1]
    expected = 2
    for match in _RUN_IN_ITEM.finditer(text, colon + 4):
        if int(match.group(1)) == expected:
            cuts.append(match.start() + 1)
            expected += 1
    if len(cuts) < 2:
        return [text]
    parts = [text[: cuts[0]]] + [text[a:b] for a, b in zip(cuts, [*cuts[1:], len(text)], strict=True)]
    return [part.strip() for part in parts if part.strip()]


def _code_schemes(lines: list[_Line]) -> set[str]:
    """Code shapes that start at least two lines: a scheme of rule codes, not a stray acronym."""
    shapes = Counter(code_shape(label.token) for line in lines for label in line.labels if label.kind == "code")
    return {shape for shape, count in shapes.items() if count >= 2 and "#" in shape}


def _style_name(accepted: Counter[str]) -> str:
    names = {"decimal": "decimal", "section": "sections", "item": "lettered items", "code": "rule codes"}
    names |= {"legal": "legal sections", "group": "parts", "appendix": "appendices"}
    return ", ".join(names[kind] for kind, _ in accepted.most_common() if kind in names)


def _preamble(lines: list[_Line]) -> tuple[_Unit | None, list[SetAside]]:
    """Prose before the first unit is the preamble; title lines and tables there are set aside."""
    body: list[_Line] = []
    furniture: list[SetAside] = []
    for line in lines:
        if "\t" in line.text:
            furniture.append(SetAside("document control", line.text))
        elif line.heading_level or _short_title(line.text) or len(line.text.split()) < 4:
            furniture.append(SetAside("title", line.text))
        else:
            body.append(line)
    if not body:
        return None, furniture
    texts = [("- " + line.text) if line.bullet else line.text for line in body]
    return _Unit("preamble", (), body[0].offset, body[-1].end, texts), furniture


def _parse_headings(lines: list[_Line]) -> tuple[list[_Unit], list[_Line]]:
    """Fallback for documents with headings but no numbering: id = slug of the heading path."""
    headings = [line for line in lines if line.heading_level]
    if not headings:
        return [], []
    title = _title_line(lines)
    stack: list[tuple[int, str]] = []
    units: list[_Unit] = []
    preamble: list[_Line] = []
    current: _Unit | None = None
    for line in lines:
        if line.heading_level:
            if current is not None and current.lines:
                units.append(current)
            current = None
            if line is title:
                continue
            while stack and stack[-1][0] >= line.heading_level:
                stack.pop()
            stack.append((line.heading_level, _tidy(line.text)))
            path = tuple(name for _, name in stack)
            current = _Unit("/".join(_heading_slug(name) for name in path), path, line.offset, line.end)
            continue
        body = ("- " + line.text) if line.bullet else line.text
        if current is None:
            preamble.append(line)
            continue
        current.lines.append(body)
        current.end = line.end
    if current is not None and current.lines:
        units.append(current)
    return units, preamble


def _parse_blocks(lines: list[_Line]) -> list[_Unit]:
    """A document with neither numbering nor headings: its paragraphs, `p1`, `p2`, ... in reading order."""
    units: list[_Unit] = []
    for line in lines:
        if line.blank_before or not units:
            units.append(_Unit(f"p{len(units) + 1}", (), line.offset, line.end, []))
        units[-1].lines.append(("- " + line.text) if line.bullet else line.text)
        units[-1].end = line.end
    return units


def _tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\t", " ")).strip()


def _clean_text(lines: list[str]) -> str:
    cleaned = []
    for line in lines:
        line = re.sub(r"\t+", " | ", line.strip().strip("\t")) if "\t" in line else line.strip()
        cleaned.append(re.sub(r"[ ]{2,}", " ", line))
    return "\n".join(line for line in cleaned if line)


def _unique_ids(units: list[_Unit]) -> list[_Unit]:
    seen: Counter[str] = Counter()
    for unit in units:
        seen[unit.id] += 1
        if seen[unit.id] > 1:
            unit.id = f"{unit.id} ({seen[unit.id]})"
    return units


def _title(lines: list[_Line], preamble: list[_Line]) -> str:
    for line in lines:
        if line.heading_level == 1:
            return _tidy(line.text)
    candidates = [_tidy(line.text) for line in preamble]
    for text in candidates:
        if "policy" in text.lower() and len(text) < 120:
            return text
    return candidates[0] if candidates else ""


def _title_line(lines: list[_Line]) -> _Line | None:
    """The document's title: its one level-1 heading; else its first heading, at the top level, with no prose
    before it, alone at its level or straight away followed by another heading (no text of its own)."""
    level_one = [line for line in lines if line.heading_level == 1]
    if len(level_one) == 1 and any(line.heading_level > 1 for line in lines):
        return level_one[0]  # the one top-level heading of a page (`# Title`, `<h1>`) is its title
    position = next((index for index, line in enumerate(lines) if line.heading_level), None)
    if position is None or any(len(line.text.split()) >= 8 for line in lines[:position]):
        return None
    first = lines[position]
    same_level = [line for line in lines if line.heading_level and line.heading_level <= first.heading_level]
    if len(same_level) == 1 or (position + 1 < len(lines) and lines[position + 1].heading_level):
        return first
    return None


def _heading_slug(heading: str) -> str:
    """`Appendix A: Data Retention Matrix` is cited as `appendix-a`, like in a numbered document."""
    for label in readings(heading):
        if label.kind == "appendix":
            return f"{label.word}-{label.token}"
    return _slug(heading)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"
