from __future__ import annotations

import pytest

from assistant.guide import QUIZ_LENGTH, example_questions, key_rules, quiz_items, rule_question, score
from core.config import PROJECT_ROOT, Settings
from core.types import Paragraph, ParsedPolicy
from ingest.pipeline import parse_file
from tests.conftest import BUNDLED_POLICY

CORPUS_DIR = PROJECT_ROOT / "data" / "corpus"


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


@pytest.mark.parametrize(
    ("rule", "question"),
    [
        (
            "All Users SHALL NOT share any passwords with any other person.",
            "Can I share any passwords with any other person?",
        ),
        (
            "Staff must report a lost laptop to IT within 24 hours.",
            "Do I have to report a lost laptop to IT within 24 hours?",
        ),
        ("Employees may work from home with the approval of their manager.", "Can I work from home?"),
        ("You should not use your own phone to photograph pupils.", "Should I use my own phone to photograph pupils?"),
        ("Personal data must be encrypted when it leaves the building.", "Does personal data have to be encrypted?"),
        ("Passwords must not be written down.", "Can passwords be written down?"),
        ("The Headteacher must approve any trip abroad.", "Does the Headteacher have to approve any trip abroad?"),
        ("Staff are not permitted to accept gifts, unless declared.", "Can I accept gifts?"),
        ("If a pupil discloses abuse, staff must tell the DSL at once.", "Do I have to tell the DSL at once?"),
        ("**Contractors** shall only use approved devices.", "Do I have to use approved devices?"),
        ("We must be consulted before data is stored.", "Do I have to be consulted?"),
    ],
)
def test_a_rule_becomes_the_question_staff_would_ask(rule: str, question: str) -> None:
    assert rule_question(rule) == question


@pytest.mark.parametrize(
    "sentence",
    [
        "This policy applies to all staff.",
        "A summary can be found in Appendix B.",
        "Inappropriate use of these facilities may constitute a disciplinary offence.",
        "What is written in an email may have to be disclosed.",
        "A clear statement that reporters may submit a report anonymously.",
        "be saved should be in a shared project directory with an owner.",  # a line-wrapped fragment
        "They may not be the overriding drivers to",  # cut off mid-phrase; and whom does "they" mean?
        "Nobody is expected to be perfect in this community.",
        "Staff must ensure that " + "very " * 20 + "long actions are avoided.",
    ],
)
def test_sentences_that_are_not_rules_make_no_question(sentence: str) -> None:
    assert rule_question(sentence) is None


def test_quiz_comes_from_the_policy_rules_varied_and_scored() -> None:
    items = quiz_items(POLICY, seed=0)
    assert 2 <= len(items) <= QUIZ_LENGTH
    every = quiz_items(POLICY, seed=0, length=50)
    assert {item.verdict for item in items} == {item.verdict for item in every}  # every verdict the rules give
    for item in items:
        paragraph = POLICY.paragraph(item.paragraph_id)
        assert paragraph is not None and item.sentence in paragraph.text
    by_question = {item.question: item.verdict for item in quiz_items(POLICY, seed=0, length=20)}
    assert by_question["Can I photograph pupils?"] == "prohibited"
    assert by_question["Can I use phones in class?"] == "conditional"
    assert quiz_items(POLICY, seed=0) == items
    answers = {item.id: item.verdict for item in items}
    assert score(answers, items) == len(items)
    answers[items[0].id] = "not_covered"
    assert score(answers, items) == len(items) - 1


def test_quizzes_differ_by_seed_on_a_real_policy(settings: Settings) -> None:
    policy = parse_file(BUNDLED_POLICY, settings)
    first, second = quiz_items(policy, seed=0), quiz_items(policy, seed=1)
    assert len(first) == QUIZ_LENGTH and len({item.verdict for item in first}) >= 4
    assert first != second


def test_every_corpus_policy_gets_examples_from_its_own_text(settings: Settings) -> None:
    documents = sorted((CORPUS_DIR / "documents").iterdir())
    with_rule_questions = 0
    for path in documents:
        policy = parse_file(path, settings)
        examples = example_questions(policy)
        assert examples, path.name
        with_rule_questions += any(not e.startswith("What does the policy say") for e in examples)
    assert with_rule_questions >= len(documents) * 0.8


def test_examples_come_from_rules_then_headings() -> None:
    examples = example_questions(POLICY)
    assert examples[:2] == ["Should I read it?", "Can I use phones in class?"]
    headless = ParsedPolicy(
        "p", "P", "p.md", "h", (paragraph("1", "1 Scope", "About phones."), paragraph("2", "2 Phones", "x"))
    )
    assert example_questions(headless) == ["What does the policy say about phones?"]
