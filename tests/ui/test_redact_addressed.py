"""A lone first name after "ask" or "tell" is redacted; roles and products after them stay."""

from __future__ import annotations

import pytest

from ui.redact import NAME, redact

ROLES = ["Headteacher", "Designated Safeguarding Lead", "Online Safety Helpline", "Chair of Governors"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'll ask Sarah about it", f"I'll ask {NAME} about it"),
        ("Should I tell Priya first?", f"Should I tell {NAME} first?"),
        ("Ask Tom, he knows", f"Ask {NAME}, he knows"),
        ("I asked Anna and told Raj", f"I asked {NAME} and told {NAME}"),
        ("I told Sarah Jones yesterday", f"I told {NAME} yesterday"),
        ("can I ask Sarah Monday morning?", f"can I ask {NAME} Monday morning?"),
        ("tell O'Brien", f"tell {NAME}"),
    ],
)
def test_a_name_after_ask_or_tell_is_redacted(text: str, expected: str) -> None:
    assert redact(text, ROLES) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Should I ask the Headteacher?",
        "I'll ask Headteacher first",
        "Can I tell Microsoft Teams to mute pupils?",
        "ask HR or IT about it",
        "Tell Chair of Governors",
        "I asked about it on Friday",
        "task Sarah",  # only the words ask and tell, not words that end in them
    ],
)
def test_roles_products_and_other_words_stay(text: str) -> None:
    assert redact(text, ROLES) == text
