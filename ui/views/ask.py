"""Ask (staff): a chat whose answers show a verdict, quote and cite the policy, and can be rated."""

from __future__ import annotations

import uuid

import streamlit as st

from assistant.guide import example_questions
from core.errors import PolicyQAError
from core.types import ParsedPolicy
from ui import chat
from ui.chat import Turn
from ui.components import answer_text, citation_expander, contact_card, verdict_badge
from ui.context import AppContext, app_context
from ui.highlight import escape_markdown
from ui.resources import feedback_store, lock_for

CHATS_KEY = "chats"
PENDING_KEY = "pending_question"
HISTORY_TURNS = 4


def save_feedback(context: AppContext, turn: Turn, thumbs: int | None, comment: str | None) -> None:
    chat.save_feedback(feedback_store(context.settings), context.policy(), turn, thumbs, comment)


def _on_thumbs(context: AppContext, turn: Turn) -> None:
    value = st.session_state.get(f"thumbs-{turn.id}")
    if value is not None:
        save_feedback(context, turn, thumbs=int(value), comment=None)


def _on_comment(context: AppContext, turn: Turn) -> None:
    comment = str(st.session_state.get(f"comment-{turn.id}", "")).strip()
    if comment:
        save_feedback(context, turn, thumbs=None, comment=comment)
        turn.comment_saved = True


def render_answer(context: AppContext, policy: ParsedPolicy, turn: Turn) -> None:
    answer = turn.answer
    verdict_badge(answer.verdict)
    answer_text(answer.answer, answer.sentences[0].text if answer.sentences else "", policy)
    if answer.note:
        st.caption(answer.note)
    for number, citation in enumerate(answer.citations):
        citation_expander(
            citation, policy.paragraph(citation.paragraph), policy.policy_id, key=f"cite-{turn.id}-{number}"
        )
    contact_card(answer.contacts, answer.not_covered, key=f"contacts-{turn.id}")
    with st.container(horizontal=True, vertical_alignment="center", key=f"rate-{turn.id}"):
        st.feedback("thumbs", key=f"thumbs-{turn.id}", on_change=_on_thumbs, args=(context, turn))
        with (
            st.popover("Comment", icon=":material/chat:"),
            st.form(f"comment-form-{turn.id}", clear_on_submit=True, border=False),
        ):
            st.text_input(
                "What was wrong or missing? (optional; names and contact details are removed)",
                key=f"comment-{turn.id}",
            )
            st.form_submit_button("Send comment", on_click=_on_comment, args=(context, turn))
        if turn.comment_saved:
            st.caption("Thank you: your comment was saved.")


def render_examples(context: AppContext, policy: ParsedPolicy) -> None:
    examples = example_questions(policy)
    if not examples:
        return
    st.markdown("**Try a scenario**")
    for number, example in enumerate(examples):
        st.button(
            example,
            key=f"example-{number}",
            icon=":material/help:",
            on_click=lambda text=example: st.session_state.__setitem__(PENDING_KEY, text),
        )


def ask(context: AppContext, policy: ParsedPolicy, turns: list[Turn], question: str) -> None:
    with st.chat_message("user"):
        st.markdown(escape_markdown(question))
    with st.chat_message("assistant"):
        history = [turn.answer.question for turn in turns[-HISTORY_TURNS:]]
        try:
            with st.spinner("Reading the policy…"), lock_for(context.settings):
                answer = context.assistant.ask(question, policy=context.policy_id, history=history)
        except PolicyQAError as exc:
            st.error(str(exc))
            return
        turn = Turn(id=uuid.uuid4().hex[:10], answer=answer, policy_hash=context.entry.content_hash)
        turns.append(turn)
        render_answer(context, policy, turn)


def main() -> None:
    context = app_context()
    policy = context.policy()
    st.title("Ask about the policy")
    st.caption(f"{escape_markdown(policy.title)} · every answer quotes the policy and cites its paragraphs.")
    chats: dict[str, list[Turn]] = st.session_state.setdefault(CHATS_KEY, {})
    turns = chats.setdefault(context.policy_id, [])
    if turns and st.sidebar.button("New conversation", icon=":material/restart_alt:"):
        turns.clear()
        st.rerun()
    for turn in turns:
        with st.chat_message("user"):
            st.markdown(escape_markdown(turn.answer.question))
        with st.chat_message("assistant"):
            render_answer(context, policy, turn)
    typed = st.chat_input(f"Ask about the {policy.title}, e.g. “Can I …?”")
    question = typed or st.session_state.pop(PENDING_KEY, None)
    if question:
        ask(context, policy, turns, question)
    elif not turns:
        render_examples(context, policy)


main()
