"""Pure rules inside retrieval: which questions a table of changes may answer."""

import pytest

from assistant.retrieval import _asks_history


@pytest.mark.parametrize(
    "question",
    [
        "When was the policy last updated?",
        "When was the advice about parents posting negative stuff on social media added?",
        "What changed in the latest version?",
        "Which paragraphs were amended in 2023?",
        "What's in the appendix?",
    ],
)
def test_questions_about_the_documents_history(question: str) -> None:
    assert _asks_history(question)


@pytest.mark.parametrize(
    "question",
    [
        "Governor here. When we review the school's online safety policy, should we read this alongside it?",
        "Can I add a parent on Facebook?",
        "When can I reply to emails from parents?",
        "What's new about Teams chat rules? Can I use it for drinks?",
    ],
)
def test_ordinary_questions_are_not_history_questions(question: str) -> None:
    assert not _asks_history(question)


def test_present_tense_actions_are_not_history() -> None:
    assert not _asks_history("What happens if I add a parent on Facebook?")
    assert not _asks_history("What if I change my profile picture to a class photo?")


def test_past_questions_with_did_are_history() -> None:
    assert _asks_history("When did they add the bit about staff mental health?")
    assert _asks_history("Did this use to be called social networking? When did that change?")
