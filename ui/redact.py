"""Remove what identifies a person from text users type, before it is stored.

Emails, phone numbers and names are replaced by `[email]`, `[phone]` and `[name]`. Names are found by
a title (Mr, Mrs, Ms, Miss, Dr...), by "my name is X", as a capitalised word after "ask" or "tell"
("I'll ask Sarah about it"), and as runs of two or more capitalised words
that are not known roles, places in the policy or product names ("Sarah Jones" goes, "Deputy Head",
"Microsoft Teams" and "Governing Board" stay).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

EMAIL = "[email]"
PHONE = "[phone]"
NAME = "[name]"

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w.])\+?\(?\d[\d ()./-]{7,}\d(?![\w])")
_PHONE_DIGITS = (9, 15)
_WORD = r"[A-Z][A-Za-z'’-]*[a-z][A-Za-z'’-]*"
_TITLE = re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame)\b\.?\s+{_WORD}(?:\s+{_WORD})?")
_SELF_NAMED = re.compile(
    r"\b((?i:my name is|my name's|my name’s|i am called|i'm called|i’m called))\s+([A-Za-z][A-Za-z'’-]*)"
    r"(\s+[A-Za-z][A-Za-z'’-]*)?"
)
_INTRODUCED = re.compile(rf"\b((?i:this is|call me|i am|i'm|i’m|it's|it’s))\s+({_WORD}(?:\s+{_WORD})?)")
_ADDRESSED = re.compile(rf"\b((?i:ask|asked|asking|asks|tell|told|telling|tells))\s+({_WORD})(\s+{_WORD})?")
_CAPITALISED_RUN = re.compile(rf"\b{_WORD}(?:\s+{_WORD})+\b")

# Capitalised words that are not names: sentence starts, roles, bodies, days, months and products.
_COMMON = """
    a an and are as at be but by can could did do does for from had has have hello hey hi how i if in is it
    may might must my no not of on or our please shall she should so that the their them then there these
    they this those to was we were what when where which who whom why will with would yes you your dear
    thanks thank sorry ok okay also after before during just only still yet am he his her its
    head headteacher headteachers teacher teachers deputy assistant principal governor governors governing
    chair board trust school schools academy manager managers line officer lead leader senior designated
    safeguarding safety online hr ict it helpline office department team staff employee employees pupil pupils
    parent parents student students child children year class form tutor senco dsl business bursar
    information commissioner commissioner's exploitation protection police council local authority
    monday tuesday wednesday thursday friday saturday sunday weekend january february march april june july
    august september october november december christmas easter summer autumn spring winter term
    microsoft teams google classroom drive gmail outlook office facebook messenger instagram twitter
    linkedin youtube tiktok snapchat whatsapp bereal zoom skype slack discord reddit apple iphone ipad
    android windows onedrive sharepoint airpods airdrop icloud dropbox word excel powerpoint classdojo dojo
    seesaw tapestry bluetooth wifi internet email emails policy policies act data gdpr uk england
"""
COMMON_WORDS = frozenset(_COMMON.split())


def redact(text: str, known_terms: Iterable[str] = ()) -> str:
    """`text` with emails, phone numbers and person names replaced; `known_terms` are roles and
    phrases from the policy (e.g. contact roles, headings) whose capitalised words are not names."""
    known = COMMON_WORDS | {word.lower() for term in known_terms for word in re.findall(r"[\w'’]+", term)}
    text = _EMAIL.sub(EMAIL, text)
    text = _PHONE.sub(_phone, text)
    text = _TITLE.sub(NAME, text)
    text = _SELF_NAMED.sub(lambda m: _self_named(m, known), text)
    text = _INTRODUCED.sub(lambda m: _introduced(m, known), text)
    text = _ADDRESSED.sub(lambda m: _addressed(m, known), text)
    return _CAPITALISED_RUN.sub(lambda m: _names_in_run(m.group(0), known), text)


def _phone(match: re.Match[str]) -> str:
    digits = sum(ch.isdigit() for ch in match.group(0))
    low, high = _PHONE_DIGITS
    return PHONE if low <= digits <= high else match.group(0)


def _self_named(match: re.Match[str], known: frozenset[str] | set[str]) -> str:
    """ "my name is sarah jones": the next word is a name, and so is the one after unless it is common."""
    rest = match.group(3) or ""
    keep = rest if rest and rest.strip().lower() in known else ""
    return f"{match.group(1)} {NAME}{keep}"


def _introduced(match: re.Match[str], known: frozenset[str] | set[str]) -> str:
    """ "This is Sarah", "I'm Tom": a capitalised word after an introduction is a name unless known."""
    first = match.group(2).split()[0].lower()
    return match.group(0) if first in known else f"{match.group(1)} {NAME}"


def _addressed(match: re.Match[str], known: frozenset[str] | set[str]) -> str:
    """ "ask Sarah", "told Tom Hughes": a capitalised word someone is asked or told is a name unless known
    (a role, a product); a second capitalised word after it is the surname unless known ("ask Sarah Monday")."""
    if match.group(2).lower() in known:
        return match.group(0)
    rest = match.group(3) or ""
    keep = rest if rest and rest.strip().lower() in known else ""
    return f"{match.group(1)} {NAME}{keep}"


def _names_in_run(run: str, known: frozenset[str] | set[str]) -> str:
    """Replace each stretch of two or more unknown capitalised words in `run` with one `[name]`."""
    words = run.split()
    out: list[str] = []
    stretch: list[str] = []

    def flush() -> None:
        if len(stretch) >= 2:
            out.append(NAME)
        else:
            out.extend(stretch)
        stretch.clear()

    for word in words:
        bare = re.sub(r"(?:['’]s|['’])$", "", word).lower()
        if bare in known:
            flush()
            out.append(word)
        else:
            stretch.append(word)
    flush()
    return " ".join(out)
