"""The Ask page through AppTest: verdict badge, citations that open, contacts, not-covered, follow-ups, feedback."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assistant.assistant import Assistant
from assistant.compose import VERDICT_LABELS
from core.config import Settings
from core.types import Answer
from tests.ui.apptest import BUNDLED_ID, markdown_text, new_app, no_exceptions
from ui.highlight import escape_markdown

pytestmark = pytest.mark.slow

COVERED = "Can I access the internet on the school computer for my online banking?"
NOT_COVERED = "Can I wear AirPods on playground duty?"


def ask(question: str) -> AppTest:
    at = new_app().run()
    no_exceptions(at)
    at.chat_input[0].set_value(question).run()
    no_exceptions(at)
    return at


def test_empty_chat_offers_example_scenarios(app_home: Path) -> None:
    at = new_app().run()
    no_exceptions(at)
    examples = [b for b in at.button if b.key and b.key.startswith("example-")]
    assert len(examples) == 4
    examples[0].click().run()
    no_exceptions(at)
    assert len(at.chat_message) == 2
    assert at.chat_message[0].markdown[0].value.replace("\\", "") == examples[0].label
    assert "pq-verdict" in markdown_text(at)


def test_answer_shows_verdict_citations_and_contacts(app_home: Path) -> None:
    expected = Assistant(Settings(home=app_home)).ask(COVERED, policy=BUNDLED_ID)
    assert expected.citations and expected.contacts and not expected.not_covered
    at = ask(COVERED)
    assert not at.error
    user, reply = at.chat_message
    assert user.name == "user" and reply.name == "assistant"
    badge = reply.markdown[0].value
    assert f"pq-verdict-{expected.verdict}" in badge and VERDICT_LABELS[expected.verdict] in badge
    answer = reply.markdown[1].value
    first = expected.citations[0].paragraph
    assert f"[\\[{first}\\]](policy?policy={BUNDLED_ID}&paragraph={first})" in answer
    labels = [e.label for e in reply.expander]
    assert labels == [escape_markdown(f"[{c.paragraph}] {c.heading.replace(' > ', ' › ')}") for c in expected.citations]
    opened = reply.expander[0]
    body = "\n".join(str(h.value) for h in opened.get("html"))
    assert "<mark>" in body and f'<span class="pq-pid">{first}</span>' in body
    quoted = expected.citations[0].quote.split(" … ")[0]
    assert quoted[:40].replace("'", "&#x27;") in body
    assert expected.citations[0].heading.split(" > ")[0] in opened.caption[0].value
    contacts = "\n".join(str(m.value) for m in reply.markdown)
    assert "Whom to contact" in contacts
    for contact in expected.contacts:
        assert contact.role[1:] in contacts


def test_not_covered_says_so_and_whom_to_ask(app_home: Path) -> None:
    at = ask(NOT_COVERED)
    reply = at.chat_message[1]
    assert "pq-verdict-not_covered" in reply.markdown[0].value and "Not covered" in reply.markdown[0].value
    text = markdown_text(at)
    assert "does not address this" in text
    assert "Whom to ask instead" in text and "Headteacher" in text
    assert len(reply.expander) == 0


def test_follow_up_passes_the_conversation_as_history(app_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, tuple[str, ...]]] = []
    original = Assistant.ask

    def spy(self: Assistant, question: str, policy: str | None = None, history: Sequence[str] = ()) -> Answer:
        calls.append((question, tuple(history)))
        return original(self, question, policy=policy, history=history)

    monkeypatch.setattr(Assistant, "ask", spy)
    at = ask("Can I add a parent as a friend on Facebook?")
    at.chat_input[0].set_value("What about on Instagram?").run()
    no_exceptions(at)
    assert calls == [
        ("Can I add a parent as a friend on Facebook?", ()),
        ("What about on Instagram?", ("Can I add a parent as a friend on Facebook?",)),
    ]
    assert len(at.chat_message) == 4


def test_feedback_is_stored_redacted(app_home: Path) -> None:
    question = "My name is Sarah Jones: can I add a parent as a friend on Facebook? Mail sarah.jones@school.org"
    at = ask(question)
    assert len(at.get("feedback")) == 1
    at.get("feedback")[0].set_value(0).run()  # thumbs down
    no_exceptions(at)
    comment = next(t for t in at.text_input if t.key and t.key.startswith("comment-"))
    comment.set_value("Mrs Patel told me otherwise, ring me on 07700 900123")
    next(b for b in at.button if b.label == "Send comment").click()
    at.run()
    no_exceptions(at)
    assert "Thank you: your comment was saved." in [c.value for c in at.caption]
    with sqlite3.connect(app_home / "feedback.sqlite3") as db:
        db.row_factory = sqlite3.Row
        rows = db.execute("SELECT * FROM feedback").fetchall()
    assert len(rows) == 1
    row = rows[0]
    assert row["question"] == "My name is [name]: can I add a parent as a friend on Facebook? Mail [email]"
    assert row["comment"] == "[name] told me otherwise, ring me on [phone]"
    assert row["thumbs"] == 0
    assert row["policy_id"] == BUNDLED_ID
    manifest_hash = Assistant(Settings(home=app_home)).index.entry(BUNDLED_ID).content_hash
    assert row["policy_hash"] == manifest_hash
    assert row["verdict"] in VERDICT_LABELS and row["answer"]
    assert row["citations"].startswith('["') and row["created_at"] > 0


def test_a_question_the_assistant_refuses_is_one_error_in_the_chat(app_home: Path) -> None:
    at = ask("Can I " + "really " * 400 + "post this?")
    assert len(at.error) == 1
    assert "characters long" in at.error[0].value and "\n" not in at.error[0].value
    assert len(at.chat_message) == 2 and "pq-verdict" not in markdown_text(at)
    at.chat_input[0].set_value(NOT_COVERED).run()  # the refused question is not kept in the conversation
    assert not at.error and len(at.chat_message) == 2
    assert "pq-verdict-not_covered" in at.chat_message[1].markdown[0].value


def test_no_policy_indexed_says_how_to_build_one(isolated_home: Path) -> None:
    at = new_app(policy_id=None).run()
    no_exceptions(at)
    assert len(at.error) == 1
    message = at.error[0].value
    assert "No policy is indexed" in message and "policyqa ingest" in message and "make run" in message
    assert not at.chat_input


def test_a_bad_setting_is_one_sentence(app_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYQA_FEEDBACK_RETENTION_DAYS", "a year")
    at = new_app().run()
    no_exceptions(at)
    assert [e.value for e in at.error] == [
        "POLICYQA_FEEDBACK_RETENTION_DAYS is not valid "
        "(input should be a valid integer, unable to parse string as an integer): fix it and restart the app."
    ]


def test_two_sessions_do_not_share_a_conversation(app_home: Path) -> None:
    """Each browser session is its own AppTest run: one member of staff's chat never shows in another's."""
    first = ask(COVERED)
    assert len(first.chat_message) == 2
    second = new_app().run()
    no_exceptions(second)
    assert len(second.chat_message) == 0
    assert [b for b in second.button if b.key and b.key.startswith("example-")]  # its own empty chat
    first.run()
    assert len(first.chat_message) == 2  # and the first keeps its own
