from __future__ import annotations

import pytest

from ui.redact import EMAIL, NAME, PHONE, redact

ROLES = ["Headteacher", "Designated Safeguarding Lead", "Online Safety Helpline", "Chair of Governors"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Email me at sarah.jones@school.org.uk please", f"Email me at {EMAIL} please"),
        ("Ring 07700 900123 or +44 (0)20 7946 0958", f"Ring {PHONE} or {PHONE}"),
        ("Mr Smith said no", f"{NAME} said no"),
        ("I asked Dr. Anna Lee and Mrs O'Brien", f"I asked {NAME} and {NAME}"),
        ("my name is sarah jones and I teach", f"my name is {NAME} and I teach"),
        ("My name is Tom.", f"My name is {NAME}."),
        ("Can Sarah Jones add me on Facebook?", f"Can {NAME} add me on Facebook?"),
        ("This is Priya, is that allowed?", f"This is {NAME}, is that allowed?"),
    ],
)
def test_personal_details_are_replaced(text: str, expected: str) -> None:
    assert redact(text, ROLES) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Should I tell the Headteacher or the Designated Safeguarding Lead?",
        "Can I use Microsoft Teams to message the Deputy Head on Friday?",
        "Is the Chair of Governors told about WhatsApp groups?",
        "Paragraph 7.4.2 was changed on 29.11.23 for 2023-2024.",
        "Can I wear AirPods on playground duty?",
        "This is important: can I post photos?",
    ],
)
def test_roles_products_dates_and_ids_are_kept(text: str) -> None:
    assert redact(text, ROLES) == text


def test_policy_terms_passed_in_are_not_names() -> None:
    text = "Do the Langham Village School rules apply?"
    assert redact(text, ["Langham Village School"]) == text
    assert redact(text) == f"Do the {NAME} School rules apply?"


def test_short_numbers_are_not_phones() -> None:
    assert redact("I have 2 classes and 30 pupils, room 101") == "I have 2 classes and 30 pupils, room 101"
