"""PolicyQA's Streamlit app: `streamlit run ui/app.py`. Navigation and the shared sidebar; pages do the rest."""

from __future__ import annotations

import streamlit as st

from ui.components import inject_style
from ui.context import policy_selector, resolve

PAGES = {
    "Staff": [
        st.Page("views/ask.py", title="Ask", icon=":material/forum:", default=True),
        st.Page("views/policy.py", title="Policy", icon=":material/menu_book:", url_path="policy"),
        st.Page("views/induction.py", title="Induction", icon=":material/school:", url_path="induction"),
    ],
    "HR": [
        st.Page("views/quality.py", title="Quality", icon=":material/insights:", url_path="quality"),
    ],
}


def main() -> None:
    st.set_page_config(page_title="PolicyQA", page_icon="📘", layout="centered")
    inject_style()
    page = st.navigation(PAGES)
    st.sidebar.markdown("**PolicyQA** · answers from your organisation's policies, with the paragraph they rest on.")
    context = resolve()
    if not isinstance(context, str):  # otherwise the page shows the error
        policy_selector(context)
    page.run()


main()
