"""Find the people and services a policy names (roles, helplines, phone numbers, emails) at ingest.

Nothing here names a particular school's contacts: roles are recognised by the shape of the phrase
(capitalised words or a known qualifier ending in a role noun), and phones/emails by their format.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.types import Contact, Paragraph

_ROLE_NOUNS = (
    r"Headteacher|Head ?teacher|Principal|Officer|Lead|Leader|Manager|manager|Governors|Helpline|helpline|"
    r"Service Desk|Desk|Team|team|provider|professional|Director|Coordinator|Co-ordinator|Clerk|Trustees"
)
_QUALIFIERS = r"(?:[A-Z][\w&'/-]*|HR|IT|line|designated|senior|safeguarding|data|protection|of|the|for)"
_ROLE = re.compile(rf"\b((?:{_QUALIFIERS}\s+){{0,5}}(?:{_ROLE_NOUNS}))\b")
# A body known by its initials, "Information Commissioner's Office (ICO)": only when its name says it is
# somewhere to turn (an office, a service, a centre...), so a term defined by its initials ("Virtual Private
# Network (VPN)", "Sender Policy Framework (SPF)") is not read as a contact.
_BODY_NOUNS = (
    r"Office|Service|Services|Agency|Authority|Centre|Center|Unit|Board|Committee|Group|Department|Council|"
    r"Commission|Commissioner|Ombudsman|Protection|Team|Desk|Line|Helpline|Officer|Lead|Police"
)
_ACRONYM_SERVICE = re.compile(rf"\b((?:[A-Z][\w'’-]*\s+(?:and\s+)?){{0,6}}(?:{_BODY_NOUNS})\s+\([A-Z]{{2,8}}\))")
_PHONE = re.compile(r"(?<!\d)(0\d{2,4}[ ]?\d{3}[ ]?\d{3,4}|\+44[ ]?\d{2,4}[ ]?\d{3}[ ]?\d{3,4})(?!\d)")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_LEADING_JUNK = re.compile(
    r"^(?:(?:the|their|a|an|of|and|for|if|where|when|this|that|any|all|each|every|unlike|your|our|its|under|whilst|"
    r"through|employees|staff|"
    r"contact|call|email|ask|tell|inform|notify|phone|ring|report|speak|to)\s+)+",
    re.IGNORECASE,
)
_BARE_NOUNS = frozenset({"team", "manager", "lead", "officer", "provider", "professional", "desk"})
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n")


def extract_contacts(paragraphs: Iterable[Paragraph]) -> tuple[Contact, ...]:
    """One Contact per distinct role, listing every paragraph that names it, with phone/email if given."""
    found: dict[str, tuple[str, list[str], list[str]]] = {}
    for paragraph in paragraphs:
        for sentence in _SENTENCE_END.split(paragraph.text):
            details = _PHONE.findall(sentence) + _EMAIL.findall(sentence)
            for role in _roles_in(_EMAIL.sub(" ", sentence)):
                _, known_details, ids = found.setdefault(role.lower().replace(" ", ""), (role, [], []))
                known_details.extend(detail for detail in details if detail not in known_details)
                if paragraph.id not in ids:
                    ids.append(paragraph.id)
    merged = _merge_short_forms(list(found.values()))
    return tuple(
        Contact(role=role, detail=", ".join(details), paragraph_ids=tuple(ids)) for role, details, ids in merged
    )


def _merge_short_forms(entries: list[tuple[str, list[str], list[str]]]) -> list[tuple[str, list[str], list[str]]]:
    """ "Service Desk" is the "IT Service Desk" named in full elsewhere: fold the short form into the long one."""
    kept: list[tuple[str, list[str], list[str]]] = []
    for role, details, ids in entries:
        longer = next((e for e in entries if e[0].lower().endswith(" " + role.lower())), None)
        if longer is None:
            kept.append((role, details, ids))
            continue
        longer[1].extend(d for d in details if d not in longer[1])
        longer[2].extend(i for i in ids if i not in longer[2])
    return kept


def _roles_in(sentence: str) -> list[str]:
    roles: list[str] = []
    for match in list(_ROLE.finditer(sentence)) + list(_ACRONYM_SERVICE.finditer(sentence)):
        role = _LEADING_JUNK.sub("", match.group(1)).strip()
        role = re.sub(r"\s+(?:of|the|for|and)$", "", role)
        if len(role) < 4 or role.lower() in _BARE_NOUNS:
            continue
        if role not in roles:
            roles.append(role)
    return roles


def contacts_for(contacts: Iterable[Contact], paragraph_ids: Iterable[str]) -> tuple[Contact, ...]:
    """The contacts named in any of the given paragraphs, in policy order."""
    wanted = set(paragraph_ids)
    return tuple(contact for contact in contacts if wanted.intersection(contact.paragraph_ids))
