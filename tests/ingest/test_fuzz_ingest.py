"""Property-based: any document is parsed and ingested, or refused with one PolicyQAError; a refused ingest
leaves the index exactly as it was."""

from __future__ import annotations

import contextlib
import hashlib
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, configuration, given, settings
from hypothesis import strategies as st

from assistant.runtime import open_index
from core.config import Settings
from core.errors import PolicyQAError
from core.types import ParsedPolicy, SourceDocument
from ingest.pipeline import ingest_policy, parse_document, parse_file
from ingest.readers import read_bytes
from ingest.store import PolicyIndex
from tests.fakes import HashingEmbeddings

# Hypothesis keeps caches in ./.hypothesis by default: tests never write into the repo.
configuration.set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "policyqa-hypothesis")
SUFFIXES = [".txt", ".md", ".html", ".docx", ".pdf"]
CONTROL = st.characters(min_codepoint=0, max_codepoint=31) | st.sampled_from("\x7f\u200b\u202e\ufeff\u2028\ud800")
LINE = st.one_of(
    st.text(max_size=80),
    st.builds(
        lambda number, words: f"{number} {words}",
        st.sampled_from(
            ["1.", "1.1", "2", "2.1.3", "(a)", "A.", "iv)", "Section 3", "#", "##", "-", "3(b)", "1.1.1.1"]
        ),
        st.text(alphabet=st.characters(codec="utf-8") | CONTROL, max_size=60),
    ),
    st.sampled_from(["Staff must not use phones.", "Staff may email parents.", "", "\t\t", "=====", "Contents"]),
)
DOCUMENTS = st.one_of(
    st.lists(LINE, max_size=40).map("\n".join),
    st.text(max_size=400),
    st.builds(lambda line, times: line * times, st.text(min_size=1, max_size=30), st.integers(200, 3_000)),
)
FUZZ = settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _parsed_or_refused(call) -> ParsedPolicy | None:
    try:
        policy = call()
    except PolicyQAError as exc:
        assert str(exc) and "\n" not in str(exc)
        return None
    assert isinstance(policy, ParsedPolicy) and policy.paragraphs
    assert all(paragraph.id and paragraph.text.strip() for paragraph in policy.paragraphs)
    return policy


@FUZZ
@given(text=DOCUMENTS)
def test_any_text_parses_or_is_refused(text: str) -> None:
    _parsed_or_refused(lambda: parse_document(SourceDocument("fuzz.txt", text), "fuzz"))


@FUZZ
@given(
    data=st.binary(max_size=2_000) | DOCUMENTS.map(lambda text: text.encode("utf-8", "surrogatepass")),
    suffix=st.sampled_from(SUFFIXES),
)
def test_any_file_read_as_policyqa_parse_does_parses_or_is_refused(
    tmp_path: Path, settings: Settings, data: bytes, suffix: str
) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    _parsed_or_refused(lambda: parse_file(path, settings))
    with contextlib.suppress(PolicyQAError):
        read_bytes(data, suffix, path.name)


def _index_state(index: PolicyIndex) -> tuple[str, list[str], dict[str, str]]:
    manifest = index.manifest_path.read_text(encoding="utf-8") if index.manifest_path.exists() else ""
    collections = sorted(c if isinstance(c, str) else c.name for c in index._chroma().list_collections())
    files = {
        str(path.relative_to(index.root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted((index.root / "policies").glob("*"))
    }
    return manifest, collections, files


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[PolicyIndex, HashingEmbeddings, Settings]:
    """An index already serving one policy, with a low embedding limit so that big documents are refused."""
    home = tmp_path_factory.mktemp("fuzz-ingest")
    config = Settings(home=home, questions_dir=home / "no-banks", max_embed_texts=40)
    embeddings = HashingEmbeddings()
    index, _ = open_index(config, embeddings)
    serving = parse_document(SourceDocument("serving.txt", "1. Phones\n1.1 Staff must not use phones.\n"), "serving")
    ingest_policy(serving, index, embeddings, config)
    return index, embeddings, config


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=DOCUMENTS)
def test_any_document_ingests_or_is_refused_leaving_the_index_untouched(small_index, text: str) -> None:
    index, embeddings, config = small_index
    before = _index_state(index)
    policy_id = "fuzzed-" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    policy = _parsed_or_refused(lambda: parse_document(SourceDocument("fuzz.txt", text), policy_id))
    if policy is None:
        return
    try:
        report = ingest_policy(policy, index, embeddings, config)
    except PolicyQAError as exc:
        assert "\n" not in str(exc)
        assert _index_state(index) == before, "a refused ingest must leave nothing behind"
    else:
        assert index.entry(policy_id).paragraphs == report.paragraphs == len(policy.paragraphs)
    assert index.entry("serving").paragraphs == 1


@pytest.mark.parametrize("text", ["0", "a\n-\n§"])
def test_a_document_with_nothing_to_quote_is_refused_in_one_sentence(text: str) -> None:
    """Found by the fuzzing above: paragraphs of one character each have no sentence, and ingest crashed."""
    with pytest.raises(PolicyQAError, match="no paragraphs or headings we can cite"):
        parse_document(SourceDocument("fuzz.txt", text), "fuzz")
