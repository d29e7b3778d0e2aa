"""The HR Quality page through AppTest: the password gate, the eval, feedback to gold drafts, policy changes."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assistant.assistant import Assistant
from core.config import Settings
from core.gold import check_gold, load_gold
from core.types import normalise_paragraph_id
from tests.conftest import BUNDLED_GOLD
from tests.ui.apptest import BUNDLED_ID, open_page
from ui import versions
from ui.feedback import DOWN, UP, FeedbackStore, row_for_answer

pytestmark = pytest.mark.slow

PASSWORD = "hr-only"


def unlock(at: AppTest, password: str = PASSWORD) -> AppTest:
    at.text_input(key="quality-password").set_value(password)
    next(b for b in at.button if b.label == "Unlock").click()
    return at.run()


def seed_feedback(home: Path) -> Assistant:
    assistant = Assistant(Settings(home=home))
    store = FeedbackStore(home / "feedback.sqlite3", retention_days=365)
    entry = assistant.index.entry(BUNDLED_ID)
    for question, thumbs in (
        ("Can I add a parent as a friend on Facebook?", UP),
        ("Can I use Teams chat to sort out Friday drinks with the department?", DOWN),
    ):
        answer = assistant.ask(question, policy=BUNDLED_ID)
        store.add(row_for_answer(answer, entry.content_hash, thumbs, "", lambda text: text, time.time()))
    return assistant


def test_refuses_without_a_password_set(app_home: Path) -> None:
    at = open_page("quality")
    assert not at.exception
    assert any("POLICYQA_ADMIN_PASSWORD" in w.value for w in at.warning)
    assert not at.tabs and not at.dataframe and not at.text_input
    assert not [b for b in at.button if b.label == "Run the evaluation"]


def test_refuses_a_wrong_password(app_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYQA_ADMIN_PASSWORD", PASSWORD)
    at = unlock(open_page("quality"), "guess")
    assert "password is not right" in at.error[0].value
    assert not at.tabs and not at.dataframe


def test_runs_the_eval_and_shows_it(app_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    lines = BUNDLED_GOLD.read_text(encoding="utf-8").splitlines()
    (gold_dir / f"{BUNDLED_ID}.jsonl").write_text("\n".join(lines[:6]) + "\n", encoding="utf-8")
    monkeypatch.setenv("POLICYQA_GOLD_DIR", str(gold_dir))
    monkeypatch.setenv("POLICYQA_ADMIN_PASSWORD", PASSWORD)
    at = unlock(open_page("quality"))
    assert not at.exception and not at.error
    assert [t.label for t in at.tabs] == ["Evaluation", "Feedback", "Changes"]
    assert "No evaluation has been run" in at.tabs[0].info[0].value
    next(b for b in at.button if b.label == "Run the evaluation").click().run()
    assert not at.exception and not at.error
    assert "Evaluation finished" in at.success[0].value
    saved = json.loads((app_home / "eval" / f"{BUNDLED_ID}.json").read_text(encoding="utf-8"))
    assert saved["n"] == 6 and saved["baseline"]["system"] == "naive"
    evaluation = at.tabs[0]
    assert [m.label for m in evaluation.metric] == [
        "Verdict accuracy",
        "Right paragraph first (hit@1)",
        "Abstention F1",
    ]
    metrics = evaluation.dataframe[0].value
    assert list(metrics.columns) == ["metric", "PolicyQA", "naive RAG", "difference"]
    assert "Verdict accuracy" in set(metrics["metric"])
    confusion = evaluation.dataframe[1].value
    assert confusion.iloc[:, 1:].to_numpy().sum() == 6
    failed = evaluation.dataframe[2].value
    n_failed = sum(1 for q in saved["per_question"] if q["failed"])
    assert len(failed) == n_failed
    assert f"Failed questions ({n_failed})" in [s.value for s in evaluation.subheader]
    assert "By category" in [s.value for s in evaluation.subheader]


def test_feedback_filters_export_and_gold_draft(app_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assistant = seed_feedback(app_home)
    monkeypatch.setenv("POLICYQA_ADMIN_PASSWORD", PASSWORD)
    at = unlock(open_page("quality"))
    feedback = at.tabs[1]
    assert len(feedback.dataframe[0].value) == 2
    at.radio(key="fb-thumbs").set_value("Not helpful").run()
    table = at.tabs[1].dataframe[0].value
    assert list(table["question"]) == ["Can I use Teams chat to sort out Friday drinks with the department?"]
    assert at.get("download_button")[0].label == "Download as CSV"
    (chosen,) = at.selectbox(key="draft-row").options
    row_id = int(chosen.split(" · ")[0].lstrip("#"))
    at.multiselect(key=f"draft-paragraphs-{row_id}").set_value(["5.3", "5.1"])
    at.selectbox(key=f"draft-verdict-{row_id}").set_value("prohibited")
    next(b for b in at.button if b.label == "Add to the review file").click()
    at.run()
    assert not at.exception and not at.error
    path = app_home / "gold-review" / f"{BUNDLED_ID}.jsonl"
    assert any(str(path) in s.value for s in at.success)
    assert check_gold(path, assistant.policy(BUNDLED_ID)) == []
    (row,) = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert row == {
        "id": f"fb-{row_id}",
        "question": "Can I use Teams chat to sort out Friday drinks with the department?",
        "expected_paragraphs": ["5.3", "5.1"],
        "acceptable_paragraphs": [],
        "verdict": "prohibited",
        "answerable": True,
        "key_facts": [],
        "category": "feedback",
        "split": "dev",
    }


def test_changed_paragraphs_list_gold_and_past_answers(app_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assistant = seed_feedback(app_home)
    policy = assistant.policy(BUNDLED_ID)
    older = versions.paragraph_hashes(policy)
    older["7.4.2"] = "0" * 16
    folder = versions.versions_dir(app_home, BUNDLED_ID)
    folder.mkdir(parents=True)
    previous = {"policy_id": BUNDLED_ID, "content_hash": "old", "seen_at": 1.0, "paragraphs": older}
    (folder / "old.json").write_text(json.dumps(previous), encoding="utf-8")
    monkeypatch.setenv("POLICYQA_ADMIN_PASSWORD", PASSWORD)
    at = unlock(open_page("quality"))
    changes = at.tabs[2]
    assert not at.exception and not at.error
    changed = changes.dataframe[0].value
    assert list(changed["paragraph"]) == ["7.4.2"] and list(changed["change"]) == ["changed"]
    expected_gold = [
        q.id
        for q in load_gold(BUNDLED_GOLD)
        if "7.4.2" in {normalise_paragraph_id(p) for p in (*q.expected_paragraphs, *q.acceptable_paragraphs)}
    ]
    assert expected_gold
    assert list(changes.dataframe[1].value["id"]) == expected_gold
    answers = changes.dataframe[2].value
    assert list(answers["question"]) == ["Can I add a parent as a friend on Facebook?"]
