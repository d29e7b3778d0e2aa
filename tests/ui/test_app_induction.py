"""The Induction page through AppTest: key-rule cards and a quiz, both drawn from the policy's own rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.assistant import Assistant
from assistant.compose import VERDICT_LABELS
from assistant.guide import key_rules, quiz_items
from core.config import Settings
from tests.ui.apptest import BUNDLED_ID, RIVERSIDE_ID, html_text, markdown_text, open_page

pytestmark = pytest.mark.slow


def test_key_rules_are_cards_quoting_the_policy(app_home: Path) -> None:
    at = open_page("induction")
    assert not at.exception and not at.error
    rules = key_rules(Assistant(Settings(home=app_home)).policy(BUNDLED_ID))
    text = markdown_text(at)
    assert text.count('class="pq-verdict ') == len(rules)
    for rule in rules:
        assert f"pq-verdict-{rule.verdict}" in text
        assert f"\\[{rule.paragraph_id}\\]" in text
    links = [link.label for link in at.get("page_link")]
    assert links == [f"Read {rule.paragraph_id} in full" for rule in rules]


def test_quiz_shows_the_cited_paragraph_and_scores(app_home: Path) -> None:
    at = open_page("induction")
    questions = quiz_items(Assistant(Settings(home=app_home)).policy(BUNDLED_ID), seed=0)
    assert len(questions) == 5
    radios = list(at.radio)
    assert len(radios) == len(questions)
    assert radios[0].options == list(VERDICT_LABELS.values())
    assert not [s for s in at.success if "score" in s.value]
    wrong = "allowed" if questions[0].verdict != "allowed" else "required"
    radios[0].set_value(wrong)
    at.run()
    assert "Not quite" in at.warning[0].value and VERDICT_LABELS[questions[0].verdict] in at.warning[0].value
    assert len(at.radio) == len(questions) - 1
    assert any("1 of 5 answered" in c.value for c in at.caption)
    for radio, question in zip(at.radio, questions[1:], strict=True):
        radio.set_value(question.verdict)
    at.run()
    assert not at.exception
    scores = [s.value for s in at.success if "score" in s.value]
    assert scores == [f"Your score: {len(questions) - 1} / {len(questions)}"]
    assert f'<span class="pq-pid">{questions[0].paragraph_id}</span>' in html_text(at)
    next(b for b in at.button if b.label == "Try another quiz").click().run()
    assert len(at.radio) == len(questions)
    assert [r.label for r in at.radio] and not [s for s in at.success if "score" in s.value]


def test_a_policy_without_gold_has_a_quiz_from_its_rules(app_home: Path) -> None:
    at = open_page("induction", policy_id=RIVERSIDE_ID)
    assert not at.exception and not at.error
    questions = quiz_items(Assistant(Settings(home=app_home)).policy(RIVERSIDE_ID), seed=0)
    assert questions and len(at.radio) == len(questions)
    shown = markdown_text(at)
    assert all(question.question.split()[-1] in shown for question in questions)
    assert 'class="pq-verdict ' in shown
