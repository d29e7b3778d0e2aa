"""Pure rules inside retrieval: which questions a table of changes may answer."""

import pytest

from assistant.retrieval import _asks_history


@pytest.mark.parametrize(
    "question",
    [
        "When was the policy last updated?",
        "When was the advice about parents posting negative stuff on social media first added to this policy?",
        "When did they add the bit about staff mental health?",
        "Did this use to be called social networking? When did that change?",
        "What changed in the latest version?",
        "Which paragraphs were amended in 2023?",
        "The policy was last updated back in 2018, wasn't it?",
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
        "What happens if I add a parent on Facebook?",
        "What if I change my profile picture to a class photo?",
        "A parent added me on Facebook, what should I do?",
        "I was added to a WhatsApp group by parents. What should I do?",
        "A former pupil I used to teach messaged me. What do I do?",
        "Which updates do I need to install on my laptop?",
        "What does the history teacher need to do about the class blog?",
    ],
)
def test_ordinary_questions_are_not_history_questions(question: str) -> None:
    assert not _asks_history(question)
