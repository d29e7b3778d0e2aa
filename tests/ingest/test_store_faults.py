"""The index under faults: a rebuild while staff ask, damaged files, a full disk, an index of an older format.

Each test drives the real CLI in-process with the deterministic fake embedding. A new process is simulated by
dropping Chroma's per-path system cache (a real process starts with none).
"""

from __future__ import annotations

import errno
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.config import Settings
from ingest.chroma_client import chroma_client
from tests.conftest import BUNDLED_POLICY, RIVERSIDE_POLICY
from tests.fakes import HashingEmbeddings

runner = CliRunner()
QUESTION = "Can I accept a friend request from a parent on Facebook?"
UUID_DIR = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class HookedEmbeddings(HashingEmbeddings):
    """The fake model; once armed, it calls `hook` after embedding its next `batches` batches (mid-ingest)."""

    def __init__(self) -> None:
        super().__init__()
        self.hook: Callable[[], None] | None = None
        self.fire_at = 0

    def arm(self, hook: Callable[[], None], batches: int = 2) -> None:
        self.hook, self.fire_at = hook, self.calls + batches

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = super().embed_documents(texts)
        if self.hook is not None and self.calls == self.fire_at:
            hook, self.hook = self.hook, None
            hook()
        return vectors


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> HookedEmbeddings:
    embeddings = HookedEmbeddings()
    monkeypatch.setattr("assistant.runtime.load_embeddings", lambda settings: embeddings)
    return embeddings


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def new_process() -> None:
    """Forget the Chroma systems this process opened, as a newly started process would have none."""
    from chromadb.api.shared_system_client import SharedSystemClient

    from ingest import chroma_client as clients

    SharedSystemClient.clear_system_cache()
    clients._clients.clear()  # and the clients PolicyQA keeps, one per store


def ask_ok() -> dict:
    code, out, err = run("ask", QUESTION, "--policy", "social-media-and-electronic-communications-policy", "--json")
    assert code == 0, err
    return json.loads(out)


def listing() -> list[dict]:
    return json.loads(run("policies", "--json")[1])["policies"]


def index_dir() -> Path:
    return Settings().index_dir


def entry_files(policy_id: str = "social-media-and-electronic-communications-policy") -> dict[str, Path]:
    entry = next(e for e in listing() if e["policy_id"] == policy_id)
    snapshot = index_dir() / entry["snapshot"]
    return {
        "snapshot": snapshot,
        "sentences": snapshot.with_name(snapshot.name.replace(".json", ".sentences.npz")),
        "bank": snapshot.with_name(snapshot.name.replace(".json", ".bank.npz")),
    }


def build(model: HookedEmbeddings) -> list[dict]:
    code, _, err = run("ingest", str(BUNDLED_POLICY), str(RIVERSIDE_POLICY))
    assert code == 0, err
    return listing()


def chroma_segment_folders() -> list[str]:
    return sorted(p.name for p in (index_dir() / "chroma").iterdir() if p.is_dir() and UUID_DIR.match(p.name))


# --- 1. a rebuild while staff ask --------------------------------------------------------------------------------
def test_questions_are_answered_throughout_a_rebuild(model: HookedEmbeddings) -> None:
    build(model)
    before = ask_ok()
    answers: list[dict] = []
    model.arm(lambda: answers.append(ask_ok()))  # a staff question while the rebuild is embedding
    code, out, err = run("ingest", "--rebuild", str(BUNDLED_POLICY), str(RIVERSIDE_POLICY))
    assert code == 0, err
    assert answers and answers[0]["citations"] == before["citations"]
    assert ask_ok()["citations"] == before["citations"]
    assert out.count("indexed") == 2


def test_an_interrupted_rebuild_leaves_the_previous_index_serving(model: HookedEmbeddings) -> None:
    entries = build(model)

    def interrupt() -> None:
        raise KeyboardInterrupt  # as Ctrl-C or a kill would stop it

    model.arm(interrupt)
    code, _, _ = run("ingest", "--rebuild", str(BUNDLED_POLICY), str(RIVERSIDE_POLICY))
    assert code != 0
    assert listing() == entries
    ask_ok()
    assert run("ingest", "--rebuild", str(BUNDLED_POLICY), str(RIVERSIDE_POLICY))[0] == 0
    assert {e["policy_id"] for e in listing()} == {e["policy_id"] for e in entries}


def test_a_rebuild_switches_the_manifest_once_and_drops_the_old_collections_after(model: HookedEmbeddings) -> None:
    old = {e["policy_id"]: e["collection"] for e in build(model)}
    assert run("ingest", "--rebuild", str(BUNDLED_POLICY), str(RIVERSIDE_POLICY))[0] == 0
    new = {e["policy_id"]: e["collection"] for e in listing()}
    assert new.keys() == old.keys() and not set(new.values()) & set(old.values())

    names = {c.name for c in chroma_client(index_dir() / "chroma").list_collections()}
    assert names == set(new.values())


def test_rebuilds_leave_no_orphaned_chroma_segment_folders(model: HookedEmbeddings) -> None:
    build(model)
    for _ in range(2):
        assert run("ingest", "--rebuild", str(BUNDLED_POLICY), str(RIVERSIDE_POLICY))[0] == 0
    changed = index_dir().parent / "riverside-acceptable-use-policy.md"
    changed.write_text(RIVERSIDE_POLICY.read_text(encoding="utf-8") + "\n## 99. Added\nStaff must log out.\n")
    assert run("ingest", str(BUNDLED_POLICY), str(changed))[0] == 0
    assert len(chroma_segment_folders()) == 2, "one vector segment folder per indexed policy"


# --- 2. a damaged index ------------------------------------------------------------------------------------------
def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def overwrite_snapshot(path: Path) -> None:
    """Valid JSON that is no longer what was indexed: only a checksum notices."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data["paragraphs"][0]["text"] = "Staff may do anything they like."
    path.write_text(json.dumps(data), encoding="utf-8")


DAMAGE = {
    "snapshot truncated": ("snapshot", truncate),
    "snapshot overwritten": ("snapshot", overwrite_snapshot),
    "sentence vectors truncated": ("sentences", truncate),
    "bank vectors truncated": ("bank", truncate),
    "sentence vectors overwritten": ("sentences", lambda path: path.write_bytes(b"\0" * path.stat().st_size)),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_file_is_reported_with_the_rebuild_command(model: HookedEmbeddings, damage: str) -> None:
    build(model)
    which, harm = DAMAGE[damage]
    harm(entry_files()[which])
    new_process()
    code, out, err = run("ask", QUESTION, "--policy", "social-media-and-electronic-communications-policy")
    assert code == 2 and "Traceback" not in out + err
    assert "damaged" in err and "policyqa ingest --rebuild" in err


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_plain_ingest_rebuilds_a_damaged_policy_instead_of_keeping_it(model: HookedEmbeddings, damage: str) -> None:
    build(model)
    which, harm = DAMAGE[damage]
    harm(entry_files()[which])
    new_process()
    code, out, err = run("ingest", str(BUNDLED_POLICY), str(RIVERSIDE_POLICY))
    assert code == 0, err
    assert re.search(r"social-media-and-electronic-communications-policy\W+indexed", out), out
    assert re.search(r"riverside-acceptable-use-policy\W+unchanged, kept", out), out
    ask_ok()


def garbage(path: Path) -> None:
    path.write_bytes(b"this is not a database " * 4096)


CHROMA_DAMAGE = {"garbage": garbage, "truncated": truncate}


@pytest.mark.parametrize("damage", CHROMA_DAMAGE)
def test_an_unreadable_chroma_store_is_reported_and_a_rebuild_recovers(model: HookedEmbeddings, damage: str) -> None:
    build(model)
    CHROMA_DAMAGE[damage](index_dir() / "chroma" / "chroma.sqlite3")
    new_process()
    ask = ("ask", QUESTION, "--policy", "social-media-and-electronic-communications-policy")
    for command in (ask, ("ingest", str(BUNDLED_POLICY), str(RIVERSIDE_POLICY))):
        code, out, err = run(*command)
        assert code == 2 and "Traceback" not in out + err, (command, out, err)
        assert "damaged" in err and "policyqa ingest --rebuild" in err, (command, err)
    code, out, err = run("ingest", "--rebuild", str(BUNDLED_POLICY), str(RIVERSIDE_POLICY))
    assert code == 0, err
    new_process()
    ask_ok()
    assert len(chroma_segment_folders()) == 2
    assert [p.name for p in index_dir().iterdir() if p.name.startswith("chroma")] == ["chroma"]


def test_a_rebuild_starts_a_fresh_vector_store_when_the_old_one_refuses_a_write(
    model: HookedEmbeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chromadb.api.models.Collection import Collection
    from chromadb.errors import InternalError

    build(model)
    add, refused = Collection.add, []

    def refuse_once(self: Collection, *args: object, **kwargs: object) -> None:
        if not refused:
            refused.append(True)
            raise InternalError("Error in compaction: Failed to apply logs to the metadata segment")
        add(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Collection, "add", refuse_once)
    code, _, err = run("ingest", "--rebuild", str(BUNDLED_POLICY), str(RIVERSIDE_POLICY))
    assert code == 0 and refused, err
    new_process()
    ask_ok()
    assert [p.name for p in index_dir().iterdir() if p.name.startswith("chroma")] == ["chroma"]
    assert len(chroma_segment_folders()) == 2


def test_a_policy_missing_from_the_chroma_store_is_damaged_not_a_traceback(model: HookedEmbeddings) -> None:
    build(model)
    (index_dir() / "chroma" / "chroma.sqlite3").write_bytes(b"")  # Chroma starts an empty store over it
    new_process()
    code, out, err = run("ask", QUESTION, "--policy", "social-media-and-electronic-communications-policy")
    assert code == 2 and "Traceback" not in out + err
    assert "policyqa ingest --rebuild" in err
    assert run("ingest", str(BUNDLED_POLICY), str(RIVERSIDE_POLICY))[0] == 0
    ask_ok()


# --- 4. a full disk ----------------------------------------------------------------------------------------------
def disk_full(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def chroma_disk_full(*args: object, **kwargs: object) -> None:
    from chromadb.errors import InternalError

    raise InternalError("error returned from database: (code: 13) database or disk is full")


FULL_DISK_WRITES = {
    "os.fsync": disk_full,
    "numpy.savez": disk_full,
    "chromadb.api.models.Collection.Collection.add": chroma_disk_full,
}


@pytest.mark.parametrize("write", FULL_DISK_WRITES)
@pytest.mark.parametrize("rebuild", [False, True], ids=["changed", "rebuild"])
def test_a_full_disk_leaves_the_index_serving_and_says_so(
    model: HookedEmbeddings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, write: str, rebuild: bool
) -> None:
    entries = build(model)
    files_before = sorted(p.name for p in (index_dir() / "policies").iterdir())
    changed = tmp_path / BUNDLED_POLICY.name
    changed.write_text(BUNDLED_POLICY.read_text(encoding="utf-8") + "\n12. Added\n12.1 Staff must log out.\n")
    with monkeypatch.context() as patch:
        patch.setattr(write, FULL_DISK_WRITES[write])
        code, out, err = run("ingest", *(["--rebuild"] if rebuild else []), str(changed), str(RIVERSIDE_POLICY))
    assert code == 2 and "Traceback" not in out + err
    assert "The disk is full" in err and "policyqa ingest" in err
    assert listing() == entries
    ask_ok()
    assert sorted(p.name for p in (index_dir() / "policies").iterdir()) == files_before, "partial files removed"
    assert run("ingest", str(changed), str(RIVERSIDE_POLICY))[0] == 0


# --- 6. an index of an older format ------------------------------------------------------------------------------
def test_an_index_without_checksums_is_refused_with_the_rebuild_command(model: HookedEmbeddings) -> None:
    build(model)
    manifest_path = index_dir() / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["format"] = 1
    for entry in manifest["policies"].values():
        entry.pop("checksums", None)
    manifest_path.write_text(json.dumps(manifest))
    for command in (("ask", QUESTION, "--policy", "riverside-acceptable-use-policy"), ("ingest", str(BUNDLED_POLICY))):
        code, out, err = run(*command)
        assert code == 2 and "policyqa ingest --rebuild" in err and "Traceback" not in out + err, command
    assert run("ingest", "--rebuild", str(BUNDLED_POLICY), str(RIVERSIDE_POLICY))[0] == 0
    ask_ok()


# --- two writers -------------------------------------------------------------------------------------------------
def test_a_second_ingest_is_refused_while_one_is_writing(model: HookedEmbeddings, tmp_path: Path) -> None:
    from assistant.runtime import open_index
    from ingest.pipeline import ingest_policy, parse_file

    build(model)
    changed = tmp_path / RIVERSIDE_POLICY.name
    changed.write_text(RIVERSIDE_POLICY.read_text(encoding="utf-8") + "\n## 99. Added\nStaff must log out.\n")
    outcome: list[str] = []

    def second_writer() -> None:
        settings = Settings()
        index, embeddings = open_index(settings, HashingEmbeddings())
        try:
            ingest_policy(parse_file(changed, settings), index, embeddings, settings)
            outcome.append("written")
        except Exception as exc:
            outcome.append(str(exc))

    model.arm(second_writer)
    assert run("ingest", "--rebuild", str(BUNDLED_POLICY), str(RIVERSIDE_POLICY))[0] == 0
    assert outcome and "is already writing the index" in outcome[0] and "wait for it to finish" in outcome[0]
    ask_ok()
    assert run("ingest", str(BUNDLED_POLICY), str(changed))[0] == 0, "the lock is released after the first"


def test_the_manifest_records_the_sha256_of_every_file_it_names(model: HookedEmbeddings) -> None:
    import hashlib

    build(model)
    manifest = json.loads((index_dir() / "manifest.json").read_text())
    assert manifest["format"] == 2
    for entry in manifest["policies"].values():
        assert entry["snapshot"] in entry["checksums"] and len(entry["checksums"]) >= 2
        for relative, checksum in entry["checksums"].items():
            assert hashlib.sha256((index_dir() / relative).read_bytes()).hexdigest() == checksum


def test_a_running_assistant_follows_a_rebuild(model: HookedEmbeddings) -> None:
    from assistant.assistant import Assistant

    build(model)
    assistant = Assistant(Settings(), embeddings=HashingEmbeddings())
    before = assistant.ask(QUESTION, policy="social-media-and-electronic-communications-policy")
    assert run("ingest", "--rebuild", str(BUNDLED_POLICY), str(RIVERSIDE_POLICY))[0] == 0
    after = assistant.ask(QUESTION, policy="social-media-and-electronic-communications-policy")
    assert after.citations == before.citations


def test_a_collection_dropped_by_a_switch_mid_question_says_try_again(model: HookedEmbeddings) -> None:
    from assistant.runtime import open_index
    from core.errors import IndexMissingError

    build(model)
    reader, _ = open_index(Settings(), HashingEmbeddings())
    read_before = reader.entry("social-media-and-electronic-communications-policy")  # then a rebuild finishes
    assert run("ingest", "--rebuild", str(BUNDLED_POLICY), str(RIVERSIDE_POLICY))[0] == 0
    with pytest.raises(IndexMissingError, match="try again"):
        reader.collection(read_before.collection)
    assert reader.collection(reader.entry(read_before.policy_id).collection).count() > 0


def test_a_damaged_manifest_is_reported_and_a_rebuild_recovers(model: HookedEmbeddings) -> None:
    build(model)
    truncate(index_dir() / "manifest.json")
    for command in (("ask", QUESTION), ("ingest", str(BUNDLED_POLICY)), ("policies",)):
        code, out, err = run(*command)
        assert code == 2 and "Traceback" not in out + err, command
        assert "damaged" in err and "policyqa ingest --rebuild" in err, command
    assert run("ingest", "--rebuild", str(BUNDLED_POLICY), str(RIVERSIDE_POLICY))[0] == 0
    ask_ok()
    assert len(chroma_segment_folders()) == 2
