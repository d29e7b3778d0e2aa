from __future__ import annotations

import pytest

from assistant.answer_type import missing_answer_type


@pytest.mark.parametrize(
    ("question", "evidence", "missing"),
    [
        (
            "If I lose my laptop, will I have to pay for a new one?",
            "Report a lost device to the IT Service Desk.",
            True,
        ),
        ("Will I have to pay for it?", "Staff may be charged the cost of repair.", False),
        ("How often should I change my password?", "Passwords must be at least 12 characters.", True),
        ("How often is the policy reviewed?", "The policy is reviewed every two years.", False),
        ("How quickly must I reply to parents?", "Respond within 24 hours during the working week.", False),
        ("How long can I keep photos on the iPad?", "Photos must be stored on SharePoint.", True),
        ("How long does my password need to be?", "Passwords must be at least 12 characters long.", False),
        ("Can I tell the staff WhatsApp so everyone knows how long he'll be off?", "Refrain from gossip.", False),
        ("He's off sick. So how long can I keep his laptop?", "Return devices to the IT desk.", True),
        ("OK, but what's the deadline for replying to parents?", "Parents email the office.", True),
        ("Can you tell me how long I can keep photos?", "Photos must be stored on SharePoint.", True),
        ('"How often should I change it?"', "Passwords must be at least 12 characters.", True),
        ("How long can I keep photos?", "Ask at least 2 members of staff.", True),
        ("Can I accept a parent's friend request?", "Employees are advised not to accept parents as friends.", False),
    ],
)
def test_answer_type(question: str, evidence: str, missing: bool) -> None:
    assert missing_answer_type(question, evidence) is missing
