"""The chat's state and its feedback: a turn per answer, rated rows stored with what users typed redacted."""

from __future__ import annotations

import time
from dataclasses import dataclass

from core.types import Answer, ParsedPolicy
from ui.feedback import FeedbackStore, row_for_answer
from ui.redact import redact


@dataclass
class Turn:
    """One question and its answer; `feedback_id` is the stored feedback row, once the user rated it."""

    id: str
    answer: Answer
    policy_hash: str
    feedback_id: int | None = None
    comment_saved: bool = False


def known_terms(policy: ParsedPolicy) -> list[str]:
    """The policy's title, roles and headings: their capitalised words are not person names."""
    headings = {part for p in policy.paragraphs for part in p.heading_path}
    return [policy.title, *(contact.role for contact in policy.contacts), *sorted(headings)]


def save_feedback(
    store: FeedbackStore, policy: ParsedPolicy, turn: Turn, thumbs: int | None, comment: str | None
) -> None:
    """Store the turn's feedback row, or update it when the user rates or comments again."""
    terms = known_terms(policy)
    if turn.feedback_id is None:
        row = row_for_answer(
            turn.answer, turn.policy_hash, thumbs, comment or "", lambda text: redact(text, terms), time.time()
        )
        turn.feedback_id = store.add(row)
    else:
        store.update(turn.feedback_id, thumbs=thumbs, comment=None if comment is None else redact(comment, terms))
