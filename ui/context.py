"""What every page needs: settings, the assistant and the chosen policy, or one st.error saying what to do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

import streamlit as st
from pydantic import ValidationError

from assistant.assistant import Assistant
from assistant.library import PolicyEntry
from core.config import Settings
from core.errors import PolicyQAError
from core.types import ParsedPolicy
from ui import versions
from ui.resources import get_assistant, load_settings

POLICY_KEY = "policy_id"
SWITCH_TO_KEY = "switch_to_policy"  # set before st.rerun() to select a policy (e.g. one just uploaded)
NO_POLICY = "No policy is indexed under {home}: run `policyqa ingest` (or `make run`) first, then reload this page."


@dataclass(frozen=True)
class AppContext:
    settings: Settings
    assistant: Assistant
    entries: tuple[PolicyEntry, ...]
    entry: PolicyEntry

    @property
    def policy_id(self) -> str:
        return self.entry.policy_id

    def policy(self) -> ParsedPolicy:
        """The parsed policy as indexed (cheap: the snapshot JSON, no retriever)."""
        return _snapshot(self.assistant, self.entry)


def stop_with_error(message: str) -> NoReturn:
    st.error(message)
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises; this keeps type checkers honest


def resolve() -> AppContext | str:
    """The context, or the one sentence that says why there is none (no index, bad setting...)."""
    try:
        settings = load_settings()
    except ValidationError as exc:  # a POLICYQA_ variable with a bad value
        return settings_problem(exc)
    try:
        assistant = get_assistant(settings)
        entries = tuple(sorted(assistant.policies(), key=lambda entry: entry.title.lower()))
        if not entries:
            return NO_POLICY.format(home=settings.index_dir)
        if SWITCH_TO_KEY in st.session_state:
            st.session_state[POLICY_KEY] = st.session_state.pop(SWITCH_TO_KEY)
        chosen = st.session_state.get(POLICY_KEY)
        entry = next((e for e in entries if e.policy_id == chosen), None) or _default(entries)
        context = AppContext(settings, assistant, entries, entry)
        versions.record(settings.home, context.policy())
    except PolicyQAError as exc:
        return str(exc)
    return context


def app_context() -> AppContext:
    """The context for a page that needs an indexed policy; stops the page with st.error when there is none."""
    context = resolve()
    if isinstance(context, str):
        stop_with_error(context)
    return context


def policy_selector(context: AppContext) -> None:
    """A sidebar choice of policy, shown only when several are indexed; kept across pages."""
    if len(context.entries) < 2:
        return
    ids = [entry.policy_id for entry in context.entries]
    titles = {entry.policy_id: entry.title for entry in context.entries}
    if st.session_state.get(POLICY_KEY) not in ids:
        st.session_state[POLICY_KEY] = context.policy_id
    st.sidebar.selectbox("Policy", ids, key=POLICY_KEY, format_func=lambda pid: titles[pid])


def _default(entries: tuple[PolicyEntry, ...]) -> PolicyEntry:
    wanted = st.query_params.get("policy")
    return next((e for e in entries if e.policy_id == wanted), entries[0])


@st.cache_resource(show_spinner=False, max_entries=32)
def _snapshot_cached(
    index_root: str, policy_id: str, content_hash: str, _assistant: Assistant, _entry: PolicyEntry
) -> ParsedPolicy:
    return _assistant.index.load_policy(_entry)


def _snapshot(assistant: Assistant, entry: PolicyEntry) -> ParsedPolicy:
    return _snapshot_cached(str(assistant.index.root), entry.policy_id, entry.content_hash, assistant, entry)


def settings_problem(exc: ValidationError) -> str:
    problem = exc.errors()[0]
    name = f"POLICYQA_{str(problem['loc'][0]).upper()}" if problem.get("loc") else "A POLICYQA_ setting"
    return f"{name} is not valid ({problem['msg'].rstrip('.').lower()}): fix it and restart the app."
