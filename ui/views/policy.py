"""Policy (everyone): the whole policy as numbered paragraphs, searchable; `?paragraph=7.4.2` jumps to one.
Admins can upload a new policy: parsed, shown for checking, then ingested with a progress bar."""

from __future__ import annotations

import json
from dataclasses import replace

import streamlit as st

from assistant.library import add_policy, parse_document, suggested_policy_id
from core.config import Settings
from core.errors import PolicyQAError
from core.types import Paragraph, ParsedPolicy, normalise_paragraph_id
from ui import versions
from ui.auth import admin_gate
from ui.context import SWITCH_TO_KEY, AppContext, resolve
from ui.highlight import anchor_id, escape_markdown, highlight_html
from ui.resources import get_assistant, load_settings, lock_for
from ui.upload import UPLOAD_TYPES, check_policy_id, read_upload, save_upload

SEARCH_KEY = "policy-search"
UPLOADS_KEY = "uploads-done"  # bumping it gives the file uploader a new key, i.e. clears it
FLASH_KEY = "upload-flash"


def matches(paragraph: Paragraph, query: str) -> bool:
    words = query.lower().split()
    haystack = f"{paragraph.id} {paragraph.heading} {paragraph.text}".lower()
    return all(word in haystack for word in words)


def paragraph_html(paragraph: Paragraph, query: str, target: bool) -> str:
    body = highlight_html(paragraph.text, query.split() if query else [])
    css = "pq-para pq-target" if target else "pq-para"
    return f'<div id="{anchor_id(paragraph.id)}" class="{css}"><span class="pq-pid">{paragraph.id}</span>{body}</div>'


def scroll_to(paragraph_id: str) -> None:
    """Scroll the page to the paragraph once it is drawn (the browser draws elements as they arrive).
    The script must not contain `<` before a letter or digit: st.html's sanitiser drops such scripts."""
    anchor = json.dumps(anchor_id(paragraph_id))
    st.html(
        "<script>(function(){let tries=0;const go=()=>{const el=document.getElementById("
        + anchor
        + ");if(el){el.scrollIntoView({block:'center'});}else if(50>tries++){setTimeout(go,100);}};go();})();"
        "</script>",
        unsafe_allow_javascript=True,
    )


def render_policy(policy: ParsedPolicy) -> None:
    target_id = st.query_params.get("paragraph")
    target = policy.paragraph(target_id) if target_id else None
    if target_id and target is None:
        st.warning(f"There is no paragraph {escape_markdown(target_id)} in this policy: showing the whole policy.")
    query = st.text_input(
        "Search the policy", key=SEARCH_KEY, placeholder="e.g. WhatsApp, personal phone, 7.4", icon=":material/search:"
    ).strip()
    shown = [p for p in policy.paragraphs if not query or matches(p, query)]
    if query:
        st.caption(f"{len(shown)} of {len(policy.paragraphs)} paragraphs match “{escape_markdown(query)}”.")
    if target is not None:
        st.caption(f"Showing paragraph {escape_markdown(target.id)} highlighted below.")
    section = None
    for paragraph in shown:
        top = paragraph.heading_path[0] if paragraph.heading_path else ""
        if top != section:
            section = top
            st.subheader(escape_markdown(top), anchor=False)
        is_target = target is not None and normalise_paragraph_id(paragraph.id) == normalise_paragraph_id(target.id)
        st.html(paragraph_html(paragraph, query, is_target))
    if target is not None and target in shown:
        scroll_to(target.id)


def render_upload(settings: Settings, context: AppContext | None) -> None:
    st.caption("Upload a policy file: it is parsed and shown for checking before anything is indexed.")
    if not admin_gate(settings, "upload", "upload a policy"):
        return
    uploaded = st.file_uploader(
        "Policy file (txt, md, docx, pdf or html)",
        type=UPLOAD_TYPES,
        key=f"upload-file-{st.session_state.get(UPLOADS_KEY, 0)}",
    )
    if uploaded is None:
        return
    data = uploaded.getvalue()
    try:
        document = read_upload(data, uploaded.name, settings.max_file_bytes)
        typed_id = st.text_input(
            "Policy id", value=suggested_policy_id(uploaded.name), key=f"upload-policy-id-{uploaded.file_id}"
        )
        policy = parse_document(document, check_policy_id(typed_id))
    except PolicyQAError as exc:
        st.error(str(exc))
        return
    preview(policy, context)
    if st.button("Ingest this policy", type="primary", icon=":material/upload:", key="upload-ingest"):
        ingest(
            settings,
            replace(policy, source_path=str(save_upload(settings.home, policy.policy_id, uploaded.name, data))),
        )


def preview(policy: ParsedPolicy, context: AppContext | None) -> None:
    st.markdown(f"**{escape_markdown(policy.title)}** · {len(policy.paragraphs)} paragraphs · id `{policy.policy_id}`")
    if context is not None and policy.policy_id in {entry.policy_id for entry in context.entries}:
        st.warning(f"This replaces the indexed version of {policy.policy_id}.")
    report = policy.report
    if report is not None:
        st.caption(
            f"Numbering: {escape_markdown(report.numbering or 'none')} · kept {report.coverage:.1%} of the text "
            f"({report.kept_words:,} of {report.body_words:,} words)"
        )
        for warning in report.warnings:
            st.warning("Check before staff rely on it: " + escape_markdown(warning))
    rows = [{"paragraph": p.id, "heading": p.heading, "starts": p.text[:90]} for p in policy.paragraphs]
    st.dataframe(rows, hide_index=True, width="stretch", height=280)
    if policy.contacts:
        st.caption("Contacts found: " + "; ".join(c.role for c in policy.contacts))


def ingest(settings: Settings, policy: ParsedPolicy) -> None:
    bar = st.progress(0.0, text="Embedding the policy…")

    def progress(label: str, done: int, total: int) -> None:
        bar.progress(min(1.0, done / total) if total else 1.0, text=f"Embedding {label}: {done} of {total}")

    try:
        assistant = get_assistant(settings)
        with lock_for(settings):
            report = add_policy(assistant, policy, progress=progress)
    except PolicyQAError as exc:
        st.error(str(exc))
        return
    bar.progress(1.0, text="Done")
    versions.record(settings.home, policy)
    if report.unchanged:
        st.info(f"{policy.policy_id} is already indexed with exactly this text: nothing to do.")
        return
    st.session_state[FLASH_KEY] = (
        f"Ingested {policy.policy_id}: {report.paragraphs} paragraphs in {report.seconds:.1f} s. It is now selected."
    )
    st.session_state[UPLOADS_KEY] = st.session_state.get(UPLOADS_KEY, 0) + 1
    st.session_state[SWITCH_TO_KEY] = policy.policy_id
    st.rerun()


def main() -> None:
    context = resolve()
    flash = st.session_state.pop(FLASH_KEY, None)
    if isinstance(context, str):
        st.title("Policy")
        st.error(context)
        try:
            settings = load_settings()
        except ValueError:
            return
        st.subheader("Add a policy", anchor=False)
        render_upload(settings, None)
        return
    policy = context.policy()
    st.title(policy.title)
    st.caption(f"{len(policy.paragraphs)} numbered paragraphs · version {context.entry.content_hash[:10]}")
    if flash:
        st.success(flash)
    read, upload = st.tabs(["Read", "Add or update a policy"])
    with read:
        render_policy(policy)
    with upload:
        render_upload(context.settings, context)


main()
