from __future__ import annotations

from core.config import Settings
from core.types import Paragraph, ParsedPolicy
from eval.gold import load_gold
from ingest.pipeline import parse_file
from tests.conftest import BUNDLED_GOLD, BUNDLED_POLICY
from ui.examples import example_questions
from ui.induction import QUIZ_LENGTH, key_rules, quiz_questions, score


def paragraph(pid: str, section: str, text: str) -> Paragraph:
    return Paragraph(pid, (section,), text, (0, 0))


POLICY = ParsedPolicy(
    "staff-code",
    "Staff code",
    "x.md",
    "h",
    (
        paragraph("1.1", "1 Scope", "This policy applies to all staff."),
        paragraph("1.2", "1 Scope", "Staff should read it. Staff may ask questions."),
        paragraph("2.1", "2 Phones", "Staff may use phones in the staff room."),
        paragraph("2.2", "2 Phones", "Staff must not use phones in class unless there is an emergency."),
        paragraph("2.3", "2 Phones", "Staff must not photograph pupils."),
        paragraph("3.1", "3 History", "The policy was adopted in 2023."),
        paragraph("appendix-1", "Appendix 1", "Date | Paragraph | Change\n2023 | 2.2 | Must not photograph"),
    ),
)


def test_one_key_rule_per_section_with_the_strongest_cue() -> None:
    rules = key_rules(POLICY)
    # 2.2 and 2.3 both say "must not": the first wins, and its "unless" makes it a condition.
    assert [(r.section, r.paragraph_id) for r in rules] == [("1 Scope", "1.2"), ("2 Phones", "2.2")]
    assert rules[0].sentence == "Staff should read it."
    assert rules[0].verdict == "required"
    assert rules[1].verdict == "conditional"


def test_key_rules_of_the_bundled_policy_quote_it(settings: Settings) -> None:
    policy = parse_file(BUNDLED_POLICY, settings)
    rules = key_rules(policy)
    assert len(rules) >= 6
    for rule in rules:
        cited = policy.paragraph(rule.paragraph_id)
        assert cited is not None and rule.sentence in cited.text
        assert rule.section == cited.heading_path[0]


def test_quiz_is_short_varied_and_scored() -> None:
    gold = load_gold(BUNDLED_GOLD)
    questions = quiz_questions(gold, seed=0)
    assert len(questions) == QUIZ_LENGTH
    assert len({q.verdict for q in questions}) == QUIZ_LENGTH
    assert all(q.category not in ("adversarial", "document_history") for q in questions)
    assert quiz_questions(gold, seed=0) == questions
    assert quiz_questions(gold, seed=1) != questions
    answers = {q.id: q.verdict for q in questions}
    assert score(answers, questions) == QUIZ_LENGTH
    answers[questions[0].id] = "allowed" if questions[0].verdict != "allowed" else "required"
    assert score(answers, questions) == QUIZ_LENGTH - 1


def test_examples_come_from_gold_or_from_headings() -> None:
    gold = load_gold(BUNDLED_GOLD)
    examples = example_questions(gold, POLICY)
    assert len(examples) == 4 and all(e in {q.question for q in gold} for e in examples)
    assert example_questions([], POLICY)[:2] == [
        "What does the policy say about phones?",
        "What does the policy say about history?",
    ]
