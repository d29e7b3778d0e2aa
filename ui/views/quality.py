"""Quality (HR, admin password): the latest eval against the naive baseline, feedback, gold drafts, changes."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import streamlit as st

from assistant.compose import VERDICT_LABELS
from core.errors import PolicyQAError
from core.gold import check_gold
from core.types import VERDICTS, ParsedPolicy
from ui import gold_drafts, versions
from ui.auth import admin_gate
from ui.context import AppContext, app_context
from ui.evaluation import latest_evaluation, run_evaluation
from ui.feedback import DOWN, UP, FeedbackRow, filter_rows, rows_to_csv
from ui.highlight import escape_markdown
from ui.quality_view import (
    HEADLINE,
    METRIC_NAMES,
    category_rows,
    confusion_rows,
    failed_rows,
    feedback_citing,
    feedback_table,
    format_metric,
    gold_citing,
    metric_rows,
    number,
)
from ui.resources import feedback_store, gold_questions, load_settings

FLASH_KEY = "quality-flash"
THUMBS_FILTERS = {"Any rating": None, "Helpful": UP, "Not helpful": DOWN}


def render_eval(context: AppContext) -> None:
    try:
        latest = latest_evaluation(context.settings, context.policy_id)
    except ValueError:
        st.error("The saved evaluation for this policy is unreadable: run the evaluation again.")
        latest = None
    if st.button("Run the evaluation", type="primary", icon=":material/play_arrow:", key="run-eval"):
        run_eval(context)
    if latest is None:
        st.info("No evaluation has been run for this policy yet: press “Run the evaluation” (about a minute).")
        return
    show_eval(dict(latest))


def show_eval(latest: dict[str, Any]) -> None:
    created = datetime.fromtimestamp(float(latest.get("created_at") or 0), UTC).strftime("%Y-%m-%d %H:%M UTC")
    st.caption(f"Last run {created} on {latest.get('n')} gold questions ({latest.get('gold')}).")
    ours: dict[str, Any] = latest.get("metrics") or {}
    naive: dict[str, Any] = (latest.get("baseline") or {}).get("metrics") or {}
    with st.container(horizontal=True):
        for name in HEADLINE:
            mine, theirs = number(ours.get(name)), number(naive.get(name))
            delta = None if mine is None or theirs is None else f"{(mine - theirs) * 100:+.1f} pts vs naive"
            st.metric(METRIC_NAMES[name], format_metric(name, ours.get(name)), delta=delta, border=True)
    st.subheader("All metrics, against the naive baseline", anchor=False)
    rows = metric_rows(latest)
    st.dataframe(rows, hide_index=True, width="stretch", height=_table_height(len(rows)))
    categories = category_rows(latest)
    if categories:
        st.subheader("By category", anchor=False)
        frame = pd.DataFrame(categories).set_index("category")
        st.bar_chart(frame[["verdict accuracy %", "hit@1 %"]], stack=False, horizontal=True, height=380)
    confusion = latest.get("confusion")
    if isinstance(confusion, dict) and confusion:
        st.subheader("Verdict confusion matrix", anchor=False)
        st.dataframe(confusion_rows(confusion), hide_index=True, width="stretch")
    failed = failed_rows(latest)
    st.subheader(f"Failed questions ({len(failed)})", anchor=False)
    st.dataframe(failed, hide_index=True, width="stretch")


def _table_height(rows: int) -> int:
    return 35 * (rows + 1) + 3  # every row visible, no inner scrollbar


def run_eval(context: AppContext) -> None:
    started = time.perf_counter()
    try:
        with st.spinner("Running the evaluation: PolicyQA, then the naive baseline (a minute or two)…"):
            run_evaluation(context.settings, context.policy_id)
    except PolicyQAError as exc:
        st.error(str(exc))
        return
    path = context.settings.latest_eval_path(context.policy_id)
    st.session_state[FLASH_KEY] = f"Evaluation finished in {time.perf_counter() - started:.0f} s and saved to {path}."
    st.rerun()


def render_feedback(context: AppContext, policy: ParsedPolicy) -> None:
    rows = feedback_store(context.settings).rows(context.policy_id)
    if not rows:
        st.info("No feedback on answers about this policy yet.")
        return
    with st.container(horizontal=True):
        verdicts = st.multiselect(
            "Verdict", VERDICTS, format_func=lambda v: VERDICT_LABELS[v], key="fb-verdicts", placeholder="Any verdict"
        )
        thumbs_label = st.radio("Rating", list(THUMBS_FILTERS), horizontal=True, key="fb-thumbs")
    shown = filter_rows(rows, verdicts, THUMBS_FILTERS[thumbs_label])
    st.caption(f"{len(shown)} of {len(rows)} answers · stored questions and comments are redacted.")
    st.dataframe(feedback_table(shown), hide_index=True, width="stretch")
    st.download_button(
        "Download as CSV",
        rows_to_csv(shown),
        file_name=f"feedback-{context.policy_id}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="fb-csv",
    )
    render_gold_draft(context, policy, [row for row in rows if row.thumbs == DOWN])


def render_gold_draft(context: AppContext, policy: ParsedPolicy, down: list[FeedbackRow]) -> None:
    st.subheader("Turn a “not helpful” answer into a gold question", anchor=False)
    if not down:
        st.caption("No answers rated “not helpful” yet.")
        return
    by_id = {row.id: row for row in down}
    chosen = st.selectbox(
        "Answer", list(by_id), format_func=lambda i: f"#{i} · {by_id[i].question[:90]}", key="draft-row"
    )
    if chosen is None:
        return
    row = by_id[chosen]
    st.caption(f"Answered {VERDICT_LABELS.get(row.verdict, row.verdict)}, citing {', '.join(row.citations) or '—'}.")
    if row.comment:
        st.caption(f"Comment: {escape_markdown(row.comment)}")
    ids = [p.id for p in policy.paragraphs]
    with st.form(f"draft-form-{chosen}"):
        question = st.text_input("Question", value=row.question, key=f"draft-question-{chosen}")
        paragraphs = st.multiselect(
            "Paragraphs that answer it",
            ids,
            default=[pid for pid in row.citations if pid in ids],
            key=f"draft-paragraphs-{chosen}",
        )
        verdict = st.selectbox(
            "Right verdict",
            VERDICTS,
            index=VERDICTS.index(row.verdict) if row.verdict in VERDICTS else 0,  # type: ignore[arg-type]
            format_func=lambda v: VERDICT_LABELS[v],
            key=f"draft-verdict-{chosen}",
        )
        category = st.text_input("Category", value=gold_drafts.DRAFT_CATEGORY, key=f"draft-category-{chosen}")
        submitted = st.form_submit_button("Add to the review file", icon=":material/playlist_add:")
    if submitted:
        add_draft(context, policy, int(chosen), question, paragraphs, verdict, category)


def add_draft(
    context: AppContext,
    policy: ParsedPolicy,
    feedback_id: int,
    question: str,
    paragraphs: list[str],
    verdict: str,
    category: str,
) -> None:
    path = gold_drafts.review_path(context.settings.home, policy.policy_id)
    try:
        row_id = gold_drafts.draft_id(feedback_id, gold_drafts.existing_ids(path))
        gold_drafts.append_draft(path, gold_drafts.draft_row(row_id, question, paragraphs, verdict, category))
        problems = check_gold(path, policy)
    except PolicyQAError as exc:
        st.error(str(exc))
        return
    if problems:
        st.error(f"The review file {path} has a problem: {problems[0]}.")
    else:
        st.success(f"Added {row_id} to {path}: review it, then move it into the gold file.")


def render_changes(context: AppContext, policy: ParsedPolicy) -> None:
    previous, changes = versions.changes_since_previous(context.settings.home, policy)
    if previous is None:
        st.info("This is the only version of the policy the app has seen: re-ingested changes will be listed here.")
        return
    seen = datetime.fromtimestamp(previous.seen_at, UTC).strftime("%Y-%m-%d %H:%M UTC")
    if not changes:
        st.success(f"No paragraph text changed since the version first seen {seen}.")
        return
    st.markdown(f"**{len(changes)} paragraph(s) changed** since version `{previous.content_hash[:10]}` (seen {seen}).")
    texts = {p.id: p.text for p in policy.paragraphs}
    st.dataframe(
        [
            {"paragraph": c.paragraph_id, "change": c.kind, "now reads": texts.get(c.paragraph_id, "")[:120]}
            for c in changes
        ],
        hide_index=True,
        width="stretch",
    )
    ids = [change.paragraph_id for change in changes]
    try:
        gold = gold_citing(gold_questions(context.settings, policy.policy_id), ids)
    except PolicyQAError as exc:
        st.error(str(exc))
        gold = []
    st.markdown(f"**Gold questions that cite them ({len(gold)})** — check their expected paragraphs and verdicts.")
    if gold:
        st.dataframe(
            [
                {
                    "id": q.id,
                    "question": q.question,
                    "verdict": VERDICT_LABELS.get(q.verdict, q.verdict),
                    "paragraphs": ", ".join([*q.expected_paragraphs, *q.acceptable_paragraphs]),
                }
                for q in gold
            ],
            hide_index=True,
            width="stretch",
        )
    answers = feedback_citing(feedback_store(context.settings).rows(policy.policy_id), ids)
    st.markdown(f"**Past answers that cite them ({len(answers)})** — they may no longer be right.")
    if answers:
        st.dataframe(feedback_table(answers), hide_index=True, width="stretch")


def main() -> None:
    st.set_page_config(layout="wide")  # tables and charts need the room
    st.title("Answer quality")
    try:
        settings = load_settings()
    except ValueError:
        settings = None
    if settings is not None and not admin_gate(settings, "quality", "open the quality page"):
        st.stop()
    context = app_context()
    flash = st.session_state.pop(FLASH_KEY, None)
    if flash:
        st.success(flash)
    policy = context.policy()
    st.caption(f"{policy.title} · version {context.entry.content_hash[:10]}")
    evaluation, feedback, changes = st.tabs(["Evaluation", "Feedback", "Changes"])
    with evaluation:
        render_eval(context)
    with feedback:
        render_feedback(context, policy)
    with changes:
        render_changes(context, policy)


main()
