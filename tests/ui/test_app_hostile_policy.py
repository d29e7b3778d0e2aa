"""Policy text is shown as text: a `<script>` or a Markdown link in a paragraph or heading never becomes live
HTML or a link, on the Ask page (answer, quote, whole paragraph) or on the Policy page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assistant.runtime import open_index
from core.config import Settings
from core.types import SourceDocument
from ingest.pipeline import ingest_policy, parse_document
from tests.ui.apptest import new_app, no_exceptions, open_page

pytestmark = pytest.mark.slow

HOSTILE = """# Hostile Test Policy

## 1. Laptops

1.1 Staff must not run <script>alert('x')</script> code on school laptops; see [guide](http://evil.example/g).

1.2 Staff may use approved software on school laptops.

## 2. Contacts <script>alert('heading')</script> [here](http://evil.example/heading)

2.1 Questions about laptops go to the IT Manager.
"""
QUESTION = "Can I run script code on school laptops?"
WHO = "Who do questions about laptops go to?"
LIVE_SCRIPT = re.compile(r"(?<!\\)<script>alert", re.IGNORECASE)  # not the app's own scroll script
MARKDOWN_LINK = re.compile(r"(?<!\\)\]\(\s*http://evil", re.IGNORECASE)  # st.html shows Markdown as text
HTML_LINK = re.compile(r"href\s*=\s*[\"']?http://evil", re.IGNORECASE)
KINDS = ("markdown", "caption", "html", "warning", "info", "error", "success", "subheader", "expander", "text")


@pytest.fixture
def hostile_home(tmp_path: Path, real_embeddings, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "hostile-home"
    settings = Settings(home=home, questions_dir=home / "no-banks")
    index, embeddings = open_index(settings, real_embeddings)
    ingest_policy(parse_document(SourceDocument("hostile.md", HOSTILE), "hostile"), index, embeddings, settings)
    monkeypatch.setenv("POLICYQA_HOME", str(home))
    monkeypatch.setenv("POLICYQA_QUESTIONS_DIR", str(home / "no-banks"))
    return home


def _rendered(at: AppTest) -> list[tuple[str, str]]:
    shown = []
    for kind in KINDS:
        for element in at.get(kind):
            text = getattr(element, "value", None) or getattr(element, "label", None) or ""
            shown.append((kind, str(text)))
    return shown


def _assert_shown_as_text(at: AppTest) -> None:
    shown = _rendered(at)
    live = [
        (kind, text)
        for kind, text in shown
        if LIVE_SCRIPT.search(text) or HTML_LINK.search(text) or (kind != "html" and MARKDOWN_LINK.search(text))
    ]
    assert not live, f"policy text rendered live: {live}"
    everything = "\n".join(text for _, text in shown)
    assert "alert(" in everything and "evil.example/" in everything, "the hostile text is not shown at all"


def test_the_ask_page_shows_a_hostile_paragraph_as_text(hostile_home: Path) -> None:
    at = new_app("hostile").run()
    no_exceptions(at)
    at.chat_input[0].set_value(QUESTION).run()
    no_exceptions(at)
    assert len(at.chat_message) == 2
    _assert_shown_as_text(at)


def test_the_ask_page_shows_a_hostile_heading_as_text(hostile_home: Path) -> None:
    at = new_app("hostile").run()
    at.chat_input[0].set_value(WHO).run()
    no_exceptions(at)
    assert "evil.example/heading" in "\n".join(text for _, text in _rendered(at)), "the heading is not shown"
    _assert_shown_as_text(at)


def test_the_policy_page_shows_a_hostile_paragraph_as_text(hostile_home: Path) -> None:
    at = open_page("policy", "hostile")
    no_exceptions(at)
    _assert_shown_as_text(at)
    at = open_page("policy", "hostile", paragraph="1.1")
    no_exceptions(at)
    _assert_shown_as_text(at)
