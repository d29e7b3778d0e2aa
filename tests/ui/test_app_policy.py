"""The Policy page through AppTest: numbered paragraphs, ?paragraph= highlight, search, admin upload."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assistant.assistant import Assistant
from core.config import Settings
from tests.ui.apptest import APP, BUNDLED_ID, TIMEOUT, html_text, open_page

pytestmark = pytest.mark.slow

NEW_POLICY = b"""# Harbour School Staff Phone Policy

## 1 Phones

1.1 Staff must not use personal phones in classrooms while pupils are present.

1.2 Staff may use personal phones in the staff room during breaks.

## 2 Photographs

2.1 Staff must only take photographs of pupils on school devices.
"""


def unlock(at: AppTest, password: str) -> AppTest:
    at.text_input(key="upload-password").set_value(password)
    next(b for b in at.button if b.label == "Unlock").click()
    return at.run()


def test_policy_is_shown_as_numbered_paragraphs_and_opens_at_one(app_home: Path) -> None:
    at = open_page("policy", paragraph="7.4.2")
    assert not at.exception and not at.error
    policy = Assistant(Settings(home=app_home)).policy(BUNDLED_ID)
    assert at.title[0].value == policy.title
    html = html_text(at)
    assert len(re.findall(r'class="pq-para', html)) == len(policy.paragraphs)
    assert re.findall(r'<div id="([^"]+)" class="pq-para pq-target">', html) == ["p-7-4-2"]
    assert "scrollIntoView" in html and '"p-7-4-2"' in html
    headings = [h.value for h in at.subheader]
    assert "1 Introduction and scope" in headings and "7 Social media" in headings


def test_search_filters_paragraphs(app_home: Path) -> None:
    at = open_page("policy")
    at.text_input(key="policy-search").set_value("WhatsApp").run()
    html = html_text(at)
    shown = re.findall(r'<div id="([^"]+)" class="pq-para', html)
    assert shown and "p-5-1" in shown and len(shown) < 10
    assert "<mark>WhatsApp</mark>" in html
    assert any(f"{len(shown)} of " in c.value and "match" in c.value for c in at.caption)


def test_unknown_paragraph_warns(app_home: Path) -> None:
    at = open_page("policy", paragraph="99.9")
    assert "There is no paragraph 99.9" in at.warning[0].value
    assert 'class="pq-para pq-target"' not in html_text(at)


def test_upload_needs_the_admin_password(app_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page("policy")
    assert not at.get("file_uploader")
    assert any("POLICYQA_ADMIN_PASSWORD" in w.value for w in at.warning)
    monkeypatch.setenv("POLICYQA_ADMIN_PASSWORD", "s3cret")
    at = unlock(open_page("policy"), "wrong")
    assert not at.get("file_uploader")
    assert "password is not right" in at.error[0].value


def test_a_bad_file_shows_one_clear_error(app_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYQA_ADMIN_PASSWORD", "s3cret")
    at = unlock(open_page("policy"), "s3cret")
    uploader = at.get("file_uploader")[0]
    uploader.upload("broken.docx", b"PK\x03\x04 this is not a Word file", "application/octet-stream")
    at.run()
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert "broken.docx" in message and message.endswith(".") and "\n" not in message
    assert not [b for b in at.button if b.label == "Ingest this policy"]


def test_upload_parses_previews_and_ingests(app_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYQA_ADMIN_PASSWORD", "s3cret")
    at = unlock(open_page("policy"), "s3cret")
    at.get("file_uploader")[0].upload("harbour-phones.md", NEW_POLICY, "text/markdown")
    at.run()
    assert not at.exception and not at.error
    assert next(t for t in at.text_input if t.label == "Policy id").value == "harbour-phones"
    preview = at.dataframe[0].value
    assert list(preview["paragraph"]) == ["1.1", "1.2", "2.1"]
    next(b for b in at.button if b.label == "Ingest this policy").click().run()
    assert not at.exception and not at.error
    assert any("Ingested harbour-phones: 3 paragraphs" in s.value for s in at.success)
    entries = {e.policy_id: e for e in Assistant(Settings(home=app_home)).policies()}
    assert "harbour-phones" in entries
    assert Path(entries["harbour-phones"].source_path) == app_home / "ui" / "uploads" / "harbour-phones.md"
    assert entries["harbour-phones"].text_coverage >= 0.97  # recorded in the index manifest
    assert at.title[0].value == "Harbour School Staff Phone Policy"  # the new policy is now selected
    assert list((app_home / "ui" / "versions" / "harbour-phones").glob("*.json"))


def test_without_an_index_the_first_policy_can_be_uploaded(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICYQA_ADMIN_PASSWORD", "s3cret")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at = unlock(at.switch_page("views/policy.py").run(), "s3cret")
    assert "policyqa ingest" in at.error[0].value
    at.get("file_uploader")[0].upload("harbour-phones.md", NEW_POLICY, "text/markdown")
    at.run()
    next(b for b in at.button if b.label == "Ingest this policy").click().run()
    assert not at.exception and not at.error
    assert at.title[0].value == "Harbour School Staff Phone Policy"


def test_upload_shows_the_parse_report_and_its_warnings(app_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYQA_ADMIN_PASSWORD", "s3cret")
    at = unlock(open_page("policy"), "s3cret")
    plain = b"Staff sign in at reception every morning.\n\nVisitors wear a badge at all times on site.\n"
    at.get("file_uploader")[0].upload("visitors.txt", plain, "text/plain")
    at.run()
    assert not at.exception and not at.error
    assert list(at.dataframe[0].value["paragraph"]) == ["p1", "p2"]
    assert any("No numbering found" in w.value for w in at.warning)
    assert any("kept 100.0% of the text" in c.value for c in at.caption)


def test_a_published_pdf_from_the_corpus_previews_with_its_own_ids(
    app_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = Path(__file__).resolve().parents[2] / "data" / "corpus"
    data = (corpus / "documents" / "cisa-bod-20-01-vulnerability-disclosure.pdf").read_bytes()
    monkeypatch.setenv("POLICYQA_ADMIN_PASSWORD", "s3cret")
    at = unlock(open_page("policy"), "s3cret")
    at.get("file_uploader")[0].upload("bod-20-01.pdf", data, "application/pdf")
    at.run()
    assert not at.exception and not at.error
    ids = list(at.dataframe[0].value["paragraph"])
    assert ids[:4] == ["preamble", "1", "2", "3"] and "3(a)" in ids and "9(j)" in ids


def test_a_paragraph_asked_in_the_url_is_shown_as_text_never_as_a_link(app_home: Path) -> None:
    at = open_page("policy", paragraph="[click me](http://example.org)")
    warning = at.warning[0].value
    assert "\\[click me\\]" in warning  # escaped: Streamlit shows the brackets, renders no link


def test_an_uploaded_corpus_policy_gets_examples_and_a_quiz_from_its_own_rules(
    app_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.guide import example_questions, quiz_items

    corpus = Path(__file__).resolve().parents[2] / "data" / "corpus"
    data = (corpus / "documents" / "homeoffice-use-ai.html").read_bytes()
    monkeypatch.setenv("POLICYQA_ADMIN_PASSWORD", "s3cret")
    at = unlock(open_page("policy"), "s3cret")
    at.get("file_uploader")[0].upload("use-ai.html", data, "text/html")
    at.run()
    next(b for b in at.button if b.label == "Ingest this policy").click().run()
    assert not at.exception and not at.error
    policy = Assistant(Settings(home=app_home)).policy("use-ai")
    ask = open_page("ask", policy_id="use-ai")
    assert not ask.exception and not ask.error
    shown = [b.label for b in ask.button if b.key and b.key.startswith("example-")]
    assert shown == example_questions(policy) and shown
    assert not any(label.startswith("What does the policy say") for label in shown)
    induction = open_page("induction", policy_id="use-ai")
    assert not induction.exception and not induction.error
    assert len(induction.radio) == len(quiz_items(policy, seed=0)) > 0
