"""Question analysis, done once per question: checked, instructions to the assistant stripped, a follow-up
made whole, its kind read, put in the policy's words and embedded."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.followup import rewrite_follow_up
from assistant.guard import check_question, strip_injection
from assistant.lexical import lexical_tokens
from assistant.stages import Query
from assistant.verdict import question_kind
from assistant.vocabulary import Vocabulary

if TYPE_CHECKING:
    from assistant.retrieval import Retriever


def analyse_question(question: str, retriever: Retriever, vocabulary: Vocabulary, history: Sequence[str] = ()) -> Query:
    """The `Query` for `question` about the retriever's policy; raises InputError for an empty or
    oversized question (see assistant/guard.py)."""
    return analyse_checked(question, check_question(question), retriever, vocabulary, history)


def analyse_checked(
    question: str, checked: str, retriever: Retriever, vocabulary: Vocabulary, history: Sequence[str] = ()
) -> Query:
    """As analyse_question, for a question its caller already passed through check_question (`checked`)."""
    text, injected = strip_injection(checked)
    if history:
        text = rewrite_follow_up(text, history, vocabulary)
    expanded, vector = retriever.embed_question(text)
    return Query(
        question=question,
        text=text,
        kind=question_kind(text),
        asked=vocabulary.with_canonical_terms(text),
        expanded=expanded,
        words=frozenset(lexical_tokens(expanded)),
        vector=vector,
        named_ids=retriever.named_paragraphs(text),
        injected=injected,
    )


def has_content(query: Query) -> bool:
    """Something to search for: a content word, or a paragraph named outright."""
    return bool(lexical_tokens(query.text)) or bool(query.named_ids)
