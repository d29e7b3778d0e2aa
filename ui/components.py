"""Small pieces every page shares: the verdict badge, a citation that opens its paragraph, a contact card."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

import streamlit as st

from assistant.compose import VERDICT_LABELS
from core.types import Citation, Contact, Paragraph, ParsedPolicy
from ui.highlight import escape_markdown, highlight_html, link_markers, split_quote

POLICY_PAGE = "views/policy.py"
POLICY_URL_PATH = "policy"
VERDICT_SYMBOLS = {
    "allowed": "✔",
    "conditional": "◐",
    "discouraged": "▼",
    "prohibited": "✖",
    "required": "●",
    "not_covered": "?",
}
STYLE = """
<style>
.pq-verdict {display: inline-block; padding: 0.15rem 0.75rem; border-radius: 999px; font-weight: 600;
  color: #fff; font-size: 0.95rem; letter-spacing: 0.01em;}
.pq-verdict-allowed {background: #1e7d34;}
.pq-verdict-conditional {background: #b45309;}
.pq-verdict-discouraged {background: #8a5a00;}
.pq-verdict-prohibited {background: #b91c1c;}
.pq-verdict-required {background: #1d4ed8;}
.pq-verdict-not_covered {background: #4b5563;}
.pq-paragraph {line-height: 1.6;}
.pq-paragraph mark, .pq-para mark {background: #fde68a; color: #111; padding: 0 2px; border-radius: 3px;}
.pq-para {padding: 0.45rem 0.7rem; border-left: 4px solid transparent; border-radius: 4px;
  scroll-margin-top: 4.5rem; line-height: 1.6;}
.pq-para.pq-target {border-left-color: #d97706; background: rgba(253, 230, 138, 0.35);}
.pq-pid {font-weight: 700; margin-right: 0.5rem; font-variant-numeric: tabular-nums;}
.pq-rule {font-size: 1.02rem; line-height: 1.55;}
</style>
"""


def inject_style() -> None:
    st.html(STYLE)


def badge_html(verdict: str) -> str:
    label = VERDICT_LABELS.get(verdict, verdict)
    symbol = VERDICT_SYMBOLS.get(verdict, "")
    return f'<span class="pq-verdict pq-verdict-{verdict}" title="Verdict: {label}">{symbol} {label}</span>'


def verdict_badge(verdict: str) -> None:
    st.markdown(badge_html(verdict), unsafe_allow_html=True)


def policy_url(policy_id: str, paragraph_id: str) -> str:
    return f"{POLICY_URL_PATH}?{urlencode({'policy': policy_id, 'paragraph': paragraph_id})}"


def answer_text(text: str, lead: str, policy: ParsedPolicy) -> None:
    """The answer, its direct first sentence (`lead`) in bold, each [7.4.2] marker linking to that
    paragraph on the policy page."""

    def link(paragraph_id: str) -> str | None:
        return policy_url(policy.policy_id, paragraph_id) if policy.paragraph(paragraph_id) else None

    if lead and text.startswith(lead):
        st.markdown(f"**{escape_markdown(lead)}**{link_markers(text[len(lead) :], link)}")
    else:
        st.markdown(link_markers(text, link))


def citation_expander(citation: Citation, paragraph: Paragraph | None, policy_id: str, key: str) -> None:
    """The cited paragraph's full text with the quoted sentences marked, under its heading path."""
    # headings and quotes come from the policy: shown as text, never as Markdown (a link in a heading is not live)
    heading = escape_markdown(
        " › ".join(paragraph.heading_path) if paragraph else citation.heading.replace(" > ", " › ")
    )
    label = f"\\[{escape_markdown(citation.paragraph)}\\] {heading}"
    with st.expander(label, icon=":material/format_quote:", key=key):
        where = f" · page {paragraph.page}" if paragraph and paragraph.page else ""
        st.caption(
            f"The whole of paragraph {escape_markdown(citation.paragraph)}, under {heading}{where}; "
            "the quoted words are marked."
        )
        if paragraph is None:
            st.markdown(f"> {escape_markdown(citation.quote)}")
            return
        body = highlight_html(paragraph.text, split_quote(citation.quote))
        st.html(f'<div class="pq-paragraph"><span class="pq-pid">{paragraph.id}</span>{body}</div>')
        st.page_link(
            POLICY_PAGE,
            label=f"Open {paragraph.id} in the whole policy",
            icon=":material/menu_book:",
            query_params={"policy": policy_id, "paragraph": paragraph.id},
        )


def contact_card(contacts: Sequence[Contact], not_covered: bool, key: str) -> None:
    """Whom to ask, as the policy names them; for a not-covered answer this is the next step."""
    if not contacts:
        return
    with st.container(border=True, key=key):
        title = "Whom to ask instead" if not_covered else "Whom to contact"
        st.markdown(f"**:material/contact_phone: {title}**")
        for contact in contacts:
            line = f"**{escape_markdown(contact.role[:1].upper() + contact.role[1:])}**"
            if contact.detail:
                line += f" — {escape_markdown(contact.detail)}"
            if contact.paragraph_ids:
                line += f"  \n:gray[named in {', '.join(contact.paragraph_ids[:6])}]"
            st.markdown(line)
