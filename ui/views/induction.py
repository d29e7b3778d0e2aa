"""Induction (new employees): the policy's key rules, one card per section, then a short quiz from the gold set."""

from __future__ import annotations

import streamlit as st

from assistant.assistant import default_contacts
from assistant.compose import VERDICT_LABELS
from core.errors import PolicyQAError
from core.types import VERDICTS, ParsedPolicy
from eval.gold import GoldQuestion
from ui.components import POLICY_PAGE, verdict_badge
from ui.context import app_context
from ui.highlight import escape_markdown, highlight_html
from ui.induction import key_rules, quiz_questions, score
from ui.resources import gold_questions

QUIZ_KEY = "quiz"


def render_rules(policy: ParsedPolicy) -> None:
    rules = key_rules(policy)
    if not rules:
        st.info("This policy has no sentences that read as rules (must, should, may...): read it on the Policy page.")
        return
    for rule in rules:
        with st.container(border=True, key=f"rule-{rule.paragraph_id}"):
            st.markdown(f"**{escape_markdown(rule.section)}**")
            verdict_badge(rule.verdict)
            st.markdown(f"“{escape_markdown(rule.sentence)}” **\\[{escape_markdown(rule.paragraph_id)}\\]**")
            st.page_link(
                POLICY_PAGE,
                label=f"Read {rule.paragraph_id} in full",
                icon=":material/menu_book:",
                query_params={"policy": policy.policy_id, "paragraph": rule.paragraph_id},
            )


def quiz_state(policy_id: str) -> dict[str, object]:
    state = st.session_state.get(QUIZ_KEY)
    if not isinstance(state, dict) or state.get("policy") != policy_id:
        state = {"policy": policy_id, "seed": 0, "answers": {}}
        st.session_state[QUIZ_KEY] = state
    return state


def render_explanation(question: GoldQuestion, policy: ParsedPolicy) -> None:
    if not question.answerable:
        whom = ", ".join(contact.role for contact in default_contacts(policy)) or "your line manager"
        st.markdown(f"The policy does not cover this: ask {escape_markdown(whom)}.")
        return
    for paragraph_id in question.expected_paragraphs[:2]:
        paragraph = policy.paragraph(paragraph_id)
        if paragraph is not None:
            body = highlight_html(paragraph.text, question.key_facts)
            st.html(f'<div class="pq-paragraph"><span class="pq-pid">{paragraph.id}</span>{body}</div>')


def _record_answer(answers: dict[str, str], question_id: str, key: str) -> None:
    """The first choice counts: recorded before the rerun, so the question shows its result instead."""
    choice = st.session_state.get(key)
    if choice is not None:
        answers.setdefault(question_id, str(choice))


def render_quiz(policy: ParsedPolicy, gold: list[GoldQuestion]) -> None:
    state = quiz_state(policy.policy_id)
    seed = int(str(state["seed"]))
    answers: dict[str, str] = state["answers"]  # type: ignore[assignment]
    questions = quiz_questions(gold, seed=seed)
    for number, question in enumerate(questions, 1):
        with st.container(border=True, key=f"quiz-card-{number}"):
            st.markdown(f"**{number}. {escape_markdown(question.question)}**")
            key = f"quiz-{policy.policy_id}-{seed}-{question.id}"
            if question.id not in answers:
                st.radio(
                    "What does the policy say?",
                    VERDICTS,
                    index=None,
                    format_func=lambda verdict: VERDICT_LABELS[verdict],
                    key=key,
                    horizontal=True,
                    on_change=_record_answer,
                    args=(answers, question.id, key),
                )
                continue
            given = answers[question.id]
            right = VERDICT_LABELS[question.verdict]
            if given == question.verdict:
                st.success(f"Right: {right}.", icon=":material/check_circle:")
            else:
                st.warning(f"Not quite: you chose {VERDICT_LABELS[given]}, the policy says {right}.")
            render_explanation(question, policy)
    if questions and len([q for q in questions if q.id in answers]) == len(questions):
        st.success(f"Your score: {score(answers, questions)} / {len(questions)}", icon=":material/emoji_events:")
        if st.button("Try another quiz", icon=":material/refresh:", key="quiz-again"):
            st.session_state[QUIZ_KEY] = {"policy": policy.policy_id, "seed": seed + 1, "answers": {}}
            st.rerun()
    elif questions:
        st.caption(f"{len([q for q in questions if q.id in answers])} of {len(questions)} answered.")


def main() -> None:
    context = app_context()
    policy = context.policy()
    st.title("Welcome: the key rules")
    st.caption(f"From the {escape_markdown(policy.title)}: one rule per section, in the policy's own words.")
    render_rules(policy)
    st.header("Quick quiz", anchor=False)
    try:
        gold = gold_questions(context.settings, policy.policy_id)
    except PolicyQAError as exc:
        st.error(str(exc))
        return
    if not gold:
        st.info(
            f"There is no quiz for this policy yet: it needs gold questions in "
            f"{context.settings.gold_dir / (policy.policy_id + '.jsonl')}."
        )
        return
    st.caption("Read each scenario and choose what the policy says.")
    render_quiz(policy, gold)


main()
