"""Rewrite a follow-up ("what about WhatsApp?") into the full scenario before retrieval."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.vocabulary import Vocabulary

_FOLLOW_UP = re.compile(
    r"^\W*(?:and|also|what about|how about|what if|same for|or|but what about|and what about|and if|ok and|"
    r"what about if)\b",
    re.IGNORECASE,
)
_SLOTS: dict[str, tuple[str, ...]] = {
    "channel": (
        "facebook",
        "instagram",
        "twitter",
        "whatsapp",
        "social media",
        "group chat",
        "email",
        "teams",
        "blog",
    ),
    "person": ("parent", "pupil", "former pupil", "colleague", "related"),
}


def is_follow_up(question: str) -> bool:
    return bool(_FOLLOW_UP.match(question)) or len(question.split()) <= 3


def rewrite_follow_up(question: str, history: Sequence[str], vocabulary: Vocabulary) -> str:
    """The last question with the follow-up's new channel/person swapped in, else both joined."""
    previous = next((turn for turn in reversed(history) if turn.strip()), "")
    if not previous or not is_follow_up(question):
        return question
    new_terms = vocabulary.canonical_terms(question)
    old_terms = vocabulary.canonical_terms(previous)
    rewritten = previous
    swapped = False
    for slot_terms in _SLOTS.values():
        new = [term for term in new_terms if term in slot_terms]
        old = [term for term in old_terms if term in slot_terms]
        if new and old and new[0] != old[0]:
            surface = vocabulary.surface_form(previous, old[0])
            if surface:
                replacement = _FOLLOW_UP.sub("", question).strip(" ?.!") or new[0]
                replacement = vocabulary.surface_form(question, new[0]) or replacement
                rewritten = re.sub(re.escape(surface), replacement, rewritten, count=1, flags=re.IGNORECASE)
                swapped = True
    if swapped:
        return rewritten
    return f"{previous.rstrip(' ?')} — {_FOLLOW_UP.sub('', question).strip()}"
