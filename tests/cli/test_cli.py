from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.schema import ANSWER_KEYS
from cli.main import app
from tests.conftest import BUNDLED_POLICY, RIVERSIDE_GOLD, RIVERSIDE_POLICY
from tests.fakes import HashingEmbeddings
from tests.ingest.test_parser import BUNDLED_IDS

runner = CliRunner()


@pytest.fixture(autouse=True)
def fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("assistant.runtime.load_embeddings", lambda settings: HashingEmbeddings())


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_help_lists_commands_without_loading_models() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "cli.main", "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert completed.returncode == 0
    for command in ("parse", "ingest", "policies", "ask", "eval"):
        assert command in completed.stdout
    probe = subprocess.run(
        [sys.executable, "-c", "import sys, cli.main; print('torch' in sys.modules, 'chromadb' in sys.modules)"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert probe.stdout.strip() == "False False"


def test_parse_json_lists_the_46_ids() -> None:
    code, out, _ = run("parse", str(BUNDLED_POLICY), "--json")
    assert code == 0
    assert [p["id"] for p in json.loads(out)["paragraphs"]] == BUNDLED_IDS


def test_parse_table_shows_ids_and_headings() -> None:
    code, out, _ = run("parse", str(RIVERSIDE_POLICY))
    assert code == 0 and "2(a)" in out and "appendix-b" in out


def test_bad_file_exits_non_zero_with_one_sentence_and_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "policy.xlsx"
    bad.write_bytes(b"PK")
    code, out, err = run("parse", str(bad))
    assert code == 2
    assert "not a format PolicyQA reads" in err and "Traceback" not in err + out


def test_ingest_twice_keeps_the_same_chunk_count(tmp_path: Path) -> None:
    code, out, _ = run("ingest", str(BUNDLED_POLICY))
    assert code == 0 and "46 paragraphs" in out and "indexed" in out
    code, out2, _ = run("ingest", str(BUNDLED_POLICY))
    assert code == 0 and "unchanged" in out2
    code, listing, _ = run("policies", "--json")
    entries = json.loads(listing)["policies"]
    assert len(entries) == 1 and entries[0]["paragraphs"] == 46
    chunks = entries[0]["chunks"]
    assert f"{chunks} chunks" in out.replace("\n", " ") and f"{chunks} chunks" in out2.replace("\n", " ")
    bank = entries[0]["bank_questions"]
    assert bank > 1000, "the bundled policy's question bank is indexed with it"
    for printed in (out, out2):
        assert f"{bank:,} bank questions" in printed.replace("\n", " ")


def test_failed_ingest_changes_nothing(tmp_path: Path) -> None:
    run("ingest", str(BUNDLED_POLICY))
    before = run("policies", "--json")[1]
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    code, _, err = run("ingest", str(RIVERSIDE_POLICY), str(empty))
    assert code == 2 and "is empty" in err
    assert run("policies", "--json")[1] == before


def test_ask_before_ingest_says_what_to_do() -> None:
    code, _, err = run("ask", "can I friend a parent?")
    assert code == 2 and "policyqa ingest" in err


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("   ", "type a question"),
        ("x" * 20_001, "keep it under"),
        ("🙂🙂 ?!", "no words"),
        ("¿Puedo aceptar la solicitud de amistad de un padre en Facebook?", "English"),
    ],
)
def test_bad_questions_get_one_clear_sentence(question: str, words: str) -> None:
    run("ingest", str(BUNDLED_POLICY))
    code, out, err = run("ask", question)
    assert code == 2 and words in err and "Traceback" not in out + err


def test_unknown_policy_is_named() -> None:
    run("ingest", str(BUNDLED_POLICY))
    code, _, err = run("ask", "can I friend a parent?", "--policy", "nope")
    assert code == 2 and "No policy 'nope'" in err


def test_ask_json_has_the_documented_schema() -> None:
    run("ingest", str(BUNDLED_POLICY))
    code, out, _ = run("ask", "What does 7.4.2 say?", "--json")
    assert code == 0
    answer = json.loads(out)
    assert set(ANSWER_KEYS) <= set(answer)
    assert answer["retrieved"][0]["paragraph"] == "7.4.2" and len(answer["retrieved"]) >= 10
    assert answer["citations"][0]["paragraph"] == "7.4.2"


def test_batch_answers_one_line_per_question(tmp_path: Path) -> None:
    run("ingest", str(BUNDLED_POLICY))
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"id": "a", "question": "What does 4.3 say?"}\n\n{"id": "b", "question": "  "}\n')
    out_file = tmp_path / "answers.jsonl"
    code, _, _ = run("ask", "--batch", str(questions), "--out", str(out_file))
    assert code == 0
    lines = [json.loads(line) for line in out_file.read_text().splitlines()]
    assert [line["id"] for line in lines] == ["a", "b"]
    assert lines[0]["citations"][0]["paragraph"] == "4.3"
    assert "type a question" in lines[1]["error"]


def test_batch_file_errors_name_the_line(tmp_path: Path) -> None:
    run("ingest", str(BUNDLED_POLICY))
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"id": "a", "question": "ok?"}\n{"id": "b"}\n')
    code, _, err = run("ask", "--batch", str(questions))
    assert code == 2 and "line 2" in err


def test_check_gold_accepts_the_fixture_and_names_bad_lines(tmp_path: Path) -> None:
    run("ingest", str(RIVERSIDE_POLICY))
    code, out, _ = run("eval", "--check-gold", str(RIVERSIDE_GOLD), "--policy", "riverside-acceptable-use-policy")
    assert code == 0 and "valid" in out
    bad = tmp_path / "bad.jsonl"
    good_line = RIVERSIDE_GOLD.read_text().splitlines()[0]
    row = json.loads(good_line)
    row["expected_paragraphs"] = ["99(z)"]
    bad.write_text(good_line + "\n" + json.dumps(row | {"id": "x2"}) + "\n" + '{"id": "x3", "verdict": "maybe"}\n')
    code, _, err = run("eval", "--check-gold", str(bad), "--policy", "riverside-acceptable-use-policy")
    assert code == 1
    assert "line 2" in err and "99(z)" in err and "line 3" in err


def test_eval_json_reports_every_metric(tmp_path: Path) -> None:
    run("ingest", str(RIVERSIDE_POLICY))
    code, out, _ = run(
        "eval",
        "--gold",
        str(RIVERSIDE_GOLD),
        "--split",
        "test",
        "--json",
        "--compare",
        "naive",
        "--report",
        str(tmp_path / "out"),
    )
    assert code == 0
    data = json.loads(out)
    assert data["n"] == sum(1 for line in RIVERSIDE_GOLD.read_text().splitlines() if '"test"' in line)
    from eval.runner import METRIC_KEYS

    assert set(data["metrics"]) == set(METRIC_KEYS)
    assert set(data["baseline"]["metrics"]) == set(METRIC_KEYS)
    assert (tmp_path / "out" / "report.html").exists() and (tmp_path / "out" / "report.md").exists()
    assert "naive RAG" in (tmp_path / "out" / "report.md").read_text()


def test_eval_rejects_unknown_baseline_and_split() -> None:
    assert run("eval", "--compare", "magic")[0] == 2
    assert run("eval", "--split", "train")[0] == 2


def test_parse_reports_numbering_coverage_and_what_was_set_aside() -> None:
    code, out, _ = run("parse", str(BUNDLED_POLICY), "--show-dropped")
    assert code == 0
    assert "Numbering: decimal" in out and "of the text" in out
    assert "contents:" in out  # the contents list is shown as set aside, not as paragraphs
    assert "Unnumbered blocks kept with the paragraph above: 4.5" in out


def test_parse_warns_when_a_policy_has_no_numbering(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("Staff sign in at reception every morning.\n\nVisitors wear a badge at all times.\n")
    code, out, _ = run("parse", str(plain), "--json")
    assert code == 0
    parsed = json.loads(out)
    assert [p["id"] for p in parsed["paragraphs"]] == ["p1", "p2"]
    assert parsed["warnings"] and parsed["coverage"] >= 0.97


def test_parse_check_scores_the_corpus() -> None:
    corpus = Path(__file__).resolve().parents[2] / "data" / "corpus"
    code, out, _ = run("parse", "--check", str(corpus), "--json")
    assert code == 0
    report = json.loads(out)
    assert report["overall"]["documents"] >= 15
    assert report["overall"]["precision"] >= 0.96


def test_parse_check_refuses_a_folder_that_is_not_a_corpus(tmp_path: Path) -> None:
    code, _, err = run("parse", "--check", str(tmp_path))
    assert code == 2 and "not a corpus" in err


def test_policy_text_is_never_read_as_terminal_markup(tmp_path: Path, fake_model: None) -> None:
    policy = tmp_path / "markup.txt"
    policy.write_text(
        "1. Passwords\n1.1 Staff must not share passwords [/b] with anyone, see [link=http://example.org]here[/link].\n"
        "1.2 Staff must lock their screen when they leave their desk.\n",
        encoding="utf-8",
    )
    assert run("ingest", str(policy))[0] == 0
    code, out, err = run("ask", "can I share my password?", "--policy", "markup")
    assert code == 0, err
    assert "[/b]" in out and "[link=http://example.org]" in out


def test_a_policy_too_big_to_embed_is_refused_before_anything_is_written(
    tmp_path: Path, fake_model: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = tmp_path / "huge.txt"
    policy.write_text(
        "\n".join(f"{n}. Rule {n}\nStaff must follow rule {n}. It applies on site." for n in range(1, 40)), "utf-8"
    )
    monkeypatch.setenv("POLICYQA_MAX_EMBED_TEXTS", "50")
    code, _, err = run("ingest", str(policy))
    assert code == 2 and "passages to embed" in err and "POLICYQA_MAX_EMBED_TEXTS" in err
    assert "huge" not in run("policies")[1]
