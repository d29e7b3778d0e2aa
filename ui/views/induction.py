"""Induction (new employees): the policy's key rules, one card per section, then a short quiz made from its
rules (no gold set needed, so an uploaded policy has one too)."""

from __future__ import annotations

import streamlit as st

from assistant.compose import VERDICT_LABELS
from assistant.guide import QuizItem, key_rules, quiz_items, score
from core.types import VERDICTS, ParsedPolicy
from ui.components import POLICY_PAGE, verdict_badge
from ui.context import app_context
from ui.highlight import escape_markdown, highlight_html

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


def render_explanation(item: QuizItem, policy: ParsedPolicy) -> None:
    paragraph = policy.paragraph(item.paragraph_id)
    if paragraph is not None:
        body = highlight_html(paragraph.text, [item.sentence])
        st.html(f'<div class="pq-paragraph"><span class="pq-pid">{paragraph.id}</span>{body}</div>')


def _record_answer(answers: dict[str, str], question_id: str, key: str) -> None:
    """The first choice counts: recorded before the rerun, so the question shows its result instead."""
    choice = st.session_state.get(key)
    if choice is not None:
        answers.setdefault(question_id, str(choice))


def render_quiz(policy: ParsedPolicy) -> None:
    state = quiz_state(policy.policy_id)
    seed = int(str(state["seed"]))
    answers: dict[str, str] = state["answers"]  # type: ignore[assignment]
    questions = quiz_items(policy, seed=seed)
    if not questions:
        st.info("This policy has no rules that make quiz questions: read it on the Policy page.")
        return
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
    st.caption("Each question is made from one of the policy's rules: choose what the policy says.")
    render_quiz(policy)


main()
